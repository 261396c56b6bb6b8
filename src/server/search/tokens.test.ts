/** Search folding: either script finds the other, snippets come from the original text. */
import { describe, expect, it } from 'vitest';
import { foldForSearch, indexTokens, queryTokens, snippetOf } from './tokens';

const q = (text: string) => foldForSearch(text).text;

describe('search tokens', () => {
  it('fold Traditional and Simplified to the same text, including characters the fold takes two steps for', () => {
    expect(q('查詢訂單')).toBe(q('查询订单'));
    expect(q('怎麼計算運費')).toBe(q('怎么计算运费'));
    expect(q('ＡＢＣ１２３')).toBe(q('abc123'));
  });

  it('a query needs only tokens its text is indexed under', () => {
    const stored = new Set(indexTokens('請問這本經書的運費怎麼計算？'));
    for (const query of ['运费怎么计算', '運費', '经书', '經']) {
      const tokens = queryTokens(q(query));
      expect(tokens.length, query).toBeGreaterThan(0);
      for (const t of tokens) expect(stored.has(t), `${query} ${t}`).toBe(true);
    }
    expect(queryTokens(q('a'))).toEqual([]);
    expect(queryTokens(q(' ，。'))).toEqual([]);
  });

  it('snippets quote the original around the match, or null when the pairs matched out of order', () => {
    const long = `${'前'.repeat(40)}我想查詢訂單狀態${'後'.repeat(40)}`;
    const s = snippetOf(long, q('查询订单'))!;
    expect(s).toContain('查詢訂單');
    expect(s.startsWith('…') && s.endsWith('…')).toBe(true);
    // Every pair of 订单查询 is in 查詢訂單查, but not the query itself.
    const pairs = new Set(indexTokens('查詢訂單查'));
    expect(queryTokens(q('订单查询')).every((t) => pairs.has(t))).toBe(true);
    expect(snippetOf('查詢訂單查', q('订单查询'))).toBeNull();
  });
});
