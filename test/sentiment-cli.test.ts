/** `npm run --silent sentiment`: lines in, one score per line out, in order, nothing else. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SentimentEngine } from '../src/server/insight/sentiment/engine';

describe('sentiment command line', () => {
  it('prints exactly one score per input line, in order', () => {
    const lines = ['感恩師父的開示', '包裹破損，很失望', '', '我不開心', '我很开心', '請問運費怎麼算？'];
    const r = spawnSync('npm', ['run', '--silent', 'sentiment'], { input: lines.join('\n') + '\n', encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.split('\n');
    expect(out.pop()).toBe(''); // ends with a newline, nothing after
    expect(out).toHaveLength(lines.length);
    for (const o of out) expect(o).toMatch(/^-?[01]\.\d{4}$/);
    const engine = SentimentEngine.load();
    expect(out.map(Number)).toEqual(lines.map((l) => engine.score(l)));
    expect(Number(out[0])).toBeGreaterThan(0);
    expect(Number(out[1])).toBeLessThan(0);
    expect(Number(out[2])).toBe(0);
  });

  it('handles a batch larger than its output buffer and input without a final newline', () => {
    const lines = Array.from({ length: 2500 }, (_, i) => (i % 2 ? `第${i}單，很滿意` : `第${i}單，很失望`));
    const r = spawnSync('npm', ['run', '--silent', 'sentiment'], { input: lines.join('\n'), encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.trimEnd().split('\n').map(Number);
    expect(out).toHaveLength(2500);
    expect(out.filter((v, i) => (i % 2 ? v > 0 : v < 0)).length).toBeGreaterThan(2400);
  });

  it('exits 2 with a message on stderr for a missing model file', () => {
    const r = spawnSync('npm', ['run', '--silent', 'sentiment', '--', '--model', '/nonexistent/model.json'], { input: 'x\n', encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('sentiment model not found');
  });
});
