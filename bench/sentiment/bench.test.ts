/** The sentiment bench runs and reports numbers (short run; the real figures come from `npm run bench:sentiment`). */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

it('bench:sentiment reports messages per second as JSON', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/sentiment/bench.ts', '--seconds', '0.2', '--json'], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  const result = JSON.parse(r.stdout.trim());
  expect(result.bench).toBe('sentiment');
  for (const k of ['sentimentPerSec', 'distressPerSec', 'bothPerSec']) expect(result[k]).toBeGreaterThan(500);
  expect(result.sentimentMicrosPerMessage).toBeCloseTo(1e6 / result.sentimentPerSec, 0);
});
