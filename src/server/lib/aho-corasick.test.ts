import { describe, expect, it } from 'vitest';
import { Automaton, type AcMatch } from './aho-corasick';
import { seededRandom } from './seeded-random';

const build = (patterns: string[]) => new Automaton(patterns.map((pattern, data) => ({ pattern, data })));
const triples = (ms: AcMatch[]) => ms.map((m) => [m.start, m.end, m.data]);

/**
 * Every occurrence of every pattern by indexOf, in the automaton's documented order: by end, then
 * longest first, then input order (duplicates).
 */
function naive(patterns: string[], text: string): number[][] {
  const out: number[][] = [];
  patterns.forEach((p, data) => {
    if (!p) return;
    for (let i = text.indexOf(p); i >= 0; i = text.indexOf(p, i + 1)) out.push([i, i + p.length, data]);
  });
  return out.sort((a, b) => a[1] - b[1] || a[0] - b[0] || a[2] - b[2]);
}


describe('Automaton', () => {
  it('finds overlapping and nested matches (he/she/his/hers)', () => {
    const ac = build(['he', 'she', 'his', 'hers']);
    expect(triples(ac.search('ushers'))).toEqual([
      [1, 4, 1], // she
      [2, 4, 0], // he, nested in she
      [2, 6, 3], // hers, overlapping she
    ]);
    expect(triples(ac.search('ahishers'))).toEqual([
      [1, 4, 2],
      [3, 6, 1],
      [4, 6, 0],
      [4, 8, 3],
    ]);
  });

  it('finds nested Chinese terms (法轮/法轮功/轮功)', () => {
    const ac = build(['法轮', '法轮功', '轮功', '功']);
    expect(triples(ac.search('练法轮功吗'))).toEqual([
      [1, 3, 0],
      [1, 4, 1],
      [2, 4, 2],
      [3, 4, 3],
    ]);
    expect(triples(ac.search('法轮法轮功'))).toEqual([
      [0, 2, 0],
      [2, 4, 0],
      [2, 5, 1],
      [3, 5, 2],
      [4, 5, 3],
    ]);
  });

  it('follows failure links into a deeper state (abcd / bce)', () => {
    const ac = build(['abcd', 'bce', 'c']);
    expect(triples(ac.search('abce'))).toEqual([
      [2, 3, 2],
      [1, 4, 1],
    ]);
  });

  it('reports every duplicate with its own data, in input order', () => {
    const ac = new Automaton([
      { pattern: '冰毒', data: 7 },
      { pattern: '毒', data: 8 },
      { pattern: '冰毒', data: 3 },
      { pattern: '冰毒', data: 9 },
    ]);
    expect(triples(ac.search('买冰毒'))).toEqual([
      [1, 3, 7],
      [1, 3, 3],
      [1, 3, 9],
      [2, 3, 8],
    ]);
  });

  it('finds nothing when nothing matches, and ignores empty patterns', () => {
    expect(build(['冰毒', 'abc']).search('师父您好ab')).toEqual([]);
    expect(build(['冰毒']).search('')).toEqual([]);
    const withEmpty = build(['', 'a', '']);
    expect(withEmpty.patternCount).toBe(1);
    expect(triples(withEmpty.search('aa'))).toEqual([
      [0, 1, 1],
      [1, 2, 1],
    ]);
    const empty = build(['', '']);
    expect(empty.search('anything')).toEqual([]);
    expect(new Automaton([]).search('anything')).toEqual([]);
  });

  it('matches at the very start and the very end, and the whole text', () => {
    const ac = build(['代开', '发票', '代开发票']);
    expect(triples(ac.search('代开发票'))).toEqual([
      [0, 2, 0],
      [0, 4, 2],
      [2, 4, 1],
    ]);
    expect(triples(ac.search('代开x发票'))).toEqual([
      [0, 2, 0],
      [3, 5, 1],
    ]);
  });

  it('handles surrogate pairs (emoji, CJK Extension B) in patterns and text', () => {
    // 𠀋 U+2000B and 𩸽 U+29E3D are CJK Ext-B; 😀 U+1F600 and 😁 U+1F601 share a high surrogate.
    const ac = build(['😀', '𠀋𩸽', '法😁', '𩸽']);
    const text = '😁𠀋𩸽法😁😀';
    expect(triples(ac.search(text))).toEqual([
      [2, 6, 1],
      [4, 6, 3],
      [6, 9, 2],
      [9, 11, 0],
    ]);
    // A shared high surrogate alone is not a match, and matches never split a pair.
    expect(ac.search('😁😁')).toEqual([]);
    for (const m of ac.search(text)) expect(text.slice(m.start, m.end)).toBe(['😀', '𠀋𩸽', '法😁', '𩸽'][m.data]);
  });

  it('forEach, iterate and search agree', () => {
    const ac = build(['he', 'she', 'his', 'hers']);
    const seen: number[][] = [];
    ac.forEach('ushershe', (s, e, d) => seen.push([s, e, d]));
    expect(seen).toEqual(triples(ac.search('ushershe')));
    expect(triples([...ac.iterate('ushershe')])).toEqual(seen);
  });

  it('matches a naive indexOf scan on random texts (differential)', () => {
    const r = seededRandom(20261125); // seeded: a failure is reproducible
    // A tiny alphabet (with a surrogate pair and a CJK character) forces many overlaps, shared
    // prefixes, long failure chains and duplicates.
    const alphabet = ['a', 'b', 'c', '法', '😀'];
    const word = (max: number) => {
      let s = '';
      const len = Math.floor(r() * max);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(r() * alphabet.length)];
      return s;
    };
    let compared = 0;
    for (let round = 0; round < 300; round++) {
      const patterns = Array.from({ length: 1 + Math.floor(r() * 40) }, () => word(7));
      const ac = build(patterns);
      for (let t = 0; t < 10; t++) {
        const text = word(60);
        const expected = naive(patterns, text);
        expect(triples(ac.search(text)), `patterns ${JSON.stringify(patterns)} text ${JSON.stringify(text)}`).toEqual(expected);
        compared += expected.length;
      }
    }
    expect(compared).toBeGreaterThan(10_000); // the test did look at a lot of matches
  });
});
