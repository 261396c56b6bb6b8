/** The shipped sentiment engine on known sentences, in both scripts, with negation and degree. */
import { describe, expect, it } from 'vitest';
import { SentimentEngine } from './engine';
import { lexiconScore } from './lexicon';
import { prepare } from './features';
import { normalizeText } from './normalize';

const engine = SentimentEngine.load();
const s = (t: string) => engine.score(t);

describe('sentiment engine (shipped model)', () => {
  it('scores the same sentence the same in Traditional and Simplified', () => {
    for (const [tw, cn] of [['我很難過', '我很难过'], ['感恩師父的開示', '感恩师父的开示'], ['包裹破損，很失望', '包裹破损，很失望'], ['請問運費怎麼算？', '请问运费怎么算？']]) {
      expect(normalizeText(tw)).toBe(normalizeText(cn));
      expect(s(tw)).toBe(s(cn));
    }
  });

  it('turns 開心 negative when negated (不開心), in both scripts', () => {
    for (const [pos, neg] of [['開心', '不開心'], ['开心', '不开心'], ['我很開心', '我不開心']]) {
      expect(s(pos)).toBeGreaterThan(0.3);
      expect(s(neg)).toBeLessThan(-0.3);
    }
  });

  it('reads 不難過 as relief, not sorrow', () => {
    expect(s('我很難過')).toBeLessThan(-0.5);
    expect(s('不難過')).toBeGreaterThan(0.2);
    expect(s('我不再害怕了')).toBeGreaterThan(0);
    expect(s('不害怕')).toBeGreaterThan(s('害怕'));
    expect(s('我已經不难过了')).toBeGreaterThan(s('我很难过') + 0.5);
  });

  it('knows the domain: gratitude and joy positive, sorrow, illness, bereavement and complaints negative', () => {
    for (const t of ['感恩師父慈悲', '隨喜功德', '法喜充滿，好歡喜', '謝謝你們，很貼心', '佛珠很莊嚴，家人都很喜歡']) expect(s(t), t).toBeGreaterThan(0.3);
    for (const t of ['心裡好煩惱，一直失眠', '我媽媽往生了，好想她', '病痛一直折磨我', '我好害怕', '客服很不耐煩', '訂單兩週還沒出貨，很失望']) expect(s(t), t).toBeLessThan(-0.3);
  });

  it('keeps plain questions near neutral', () => {
    for (const t of ['請問念珠什麼時候出貨？', '请问运费怎么算？', '法會幾點開始？']) expect(Math.abs(s(t)), t).toBeLessThan(0.35);
  });

  it('stays in [-1, 1], and scores empty or blank text 0', () => {
    expect(s('')).toBe(0);
    expect(s('   ')).toBe(0);
    for (const t of ['！！！', '😀😀', 'a'.repeat(4000), '非常非常非常非常非常非常好好好好好好'.repeat(50), '差'.repeat(1000)]) {
      const v = s(t);
      expect(v).toBeGreaterThanOrEqual(-1);
      expect(v).toBeLessThanOrEqual(1);
    }
  });

  it('lexicon: degree words strengthen, negators flip (odd count), clauses stop them', () => {
    const lex = (t: string) => lexiconScore(prepare(t).tokens);
    expect(lex('非常害怕')).toBeLessThan(lex('害怕'));
    expect(lex('有點害怕')).toBeGreaterThan(lex('害怕'));
    expect(lex('不害怕')).toBeGreaterThan(0);
    expect(lex('不開心')).toBeLessThan(0);
    expect(lex('不，開心')).toBeGreaterThan(0);
    expect(lex('谢谢你们')).toBeGreaterThan(0); // jieba keeps the phrase whole
  });

  it('scores a chat message in microseconds', () => {
    const text = '師父您好，我母親上個月往生了，我每天晚上都失眠，心裡很煩惱';
    for (let i = 0; i < 200; i++) s(text);
    const n = 2000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) s(text + (i % 10));
    const micros = ((performance.now() - t0) / n) * 1000;
    expect(micros).toBeLessThan(500); // ~20 µs on the dev machine; generous for a loaded CI
  });
});
