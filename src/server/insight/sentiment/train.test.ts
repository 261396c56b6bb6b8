/** The training script end to end on a small fixture: tsv files in, model file out, accuracy printed. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SentimentEngine } from './engine';
import { parseModel } from './model';
import { parseDomain, parseReviews, split } from './train';

const dir = mkdtempSync(join(tmpdir(), 'sentiment-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const goods = ['质量很好', '非常满意', '物流很快', '包装精美', '客服很耐心', '值得推荐', '喜欢', '很舒服'];
const bads = ['质量太差', '非常失望', '物流太慢', '包装破损', '客服态度差', '不推荐', '退货了', '很难用'];
const things = ['衣服', '手机', '外卖', '水果', '鞋子', '念珠'];

function fixture(): { reviews: string; domain: string } {
  const rows = ['label\tsource\ttext'];
  for (const t of things) {
    for (const g of goods) rows.push(`1\tfixture:${t}\t${t}${g}`);
    for (const b of bads) rows.push(`0\tfixture:${t}\t${t}${b}`);
  }
  const domain = ['label\tkind\ttext'];
  for (const t of ['感恩師父', '隨喜功德', '法喜充滿', '謝謝你們', '心裡很平靜']) domain.push(`pos\tgratitude\t${t}`);
  for (const t of ['好煩惱', '一直失眠', '媽媽往生了好難過', '好害怕', '病痛好難受']) domain.push(`neg\tsorrow\t${t}`);
  for (const t of ['請問幾點出貨？', '法會在哪裡？', '運費怎麼算？', '可以刷卡嗎？', '有大字版嗎？']) domain.push(`neu\tquestion\t${t}`);
  return { reviews: rows.join('\n') + '\n', domain: domain.join('\n') + '\n' };
}

function train(out: string, extra: string[] = []) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/train-sentiment.ts', '--reviews', join(dir, 'reviews.tsv'), '--domain', join(dir, 'domain.tsv'), '--out', out, '--bits', '12', '--epochs', '4', ...extra], { encoding: 'utf8', timeout: 60_000 });
}

describe('npm run train:sentiment', () => {
  const { reviews, domain } = fixture();
  writeFileSync(join(dir, 'reviews.tsv'), reviews);
  writeFileSync(join(dir, 'domain.tsv'), domain);

  it('trains on a tiny fixture, writes a loadable model and prints held-out accuracy of both sets', () => {
    const out = join(dir, 'model.json');
    const r = train(out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/held-out reviews accuracy: \d+\.\d\d% \(n=\d+\)/);
    expect(r.stdout).toMatch(/held-out domain accuracy: +\d+\.\d\d% positive\/negative, \d+\.\d\d% with neutral \(n=\d+\)/);
    const model = parseModel(readFileSync(out, 'utf8'));
    expect(model.bits).toBe(12);
    expect(model.weights.length).toBe(4096);
    const accuracy = Number(/held-out reviews accuracy: (\d+\.\d\d)%/.exec(r.stdout)![1]);
    expect(accuracy).toBeGreaterThanOrEqual(80); // the fixture is nearly separable
    const engine = new SentimentEngine(model);
    expect(engine.score('鞋子质量很好')).toBeGreaterThan(engine.score('鞋子质量太差'));
  });

  it('is reproducible: the same seed gives the same file byte for byte', () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    expect(train(a).status).toBe(0);
    expect(train(b).status).toBe(0);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
  });

  it('says clearly when the reviews are missing, and writes nothing', () => {
    const out = join(dir, 'none.json');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/train-sentiment.ts', '--reviews', join(dir, 'absent.tsv'), '--out', out], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('reviews file not found');
    expect(r.stderr).toContain('SENTIMENT_REVIEWS');
    expect(existsSync(out)).toBe(false);
  });

  it('parses the label files strictly and splits them stratified and seeded', () => {
    expect(() => parseReviews('label\tsource\ttext\n2\tx\tbad label\n')).toThrow(/line 2/);
    expect(() => parseDomain('text\tlabel\n')).toThrow(/header/);
    const items = parseDomain(domain);
    const s1 = split(items, 0.2, 7);
    const s2 = split(items, 0.2, 7);
    expect(s1.test.map((x) => x.text)).toEqual(s2.test.map((x) => x.text));
    expect(s1.test.filter((x) => x.target === 0.5).length).toBe(1); // 5 neutral × 0.2
    expect(s1.train.length + s1.test.length).toBe(items.length);
  });
});
