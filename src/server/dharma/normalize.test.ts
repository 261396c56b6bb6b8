import { describe, expect, it } from 'vitest';
import { maskSpans, normalize, normalizeText, originalSpan } from './normalize';

describe('normalize', () => {
  it.each([
    ['Traditional to Simplified', '開發票', '开发票'],
    ['Simplified unchanged', '开发票', '开发票'],
    ['full width to half width, lower case', 'ＡＢＣ１２３', 'abc123'],
    ['spaces between characters', '代 開 發 票', '代开发票'],
    ['zero-width space', '冰\u200b毒', '冰毒'],
    ['zero-width joiner and BOM', '冰\u200d\ufeff毒', '冰毒'],
    ['hyphen and dots', '冰-毒.', '冰毒'],
    ['full-width punctuation', '冰，毒！', '冰毒'],
    ['ideographic space', '冰\u3000毒', '冰毒'],
    ['repeated characters', '冰冰冰毒毒', '冰毒'],
    ['emoji between characters', '冰😀毒', '冰毒'],
  ])('%s', (_name, input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it('keeps repeats and applies variant readings for citations', () => {
    const opts = { collapseRepeats: false, variants: true };
    expect(normalizeText('揭帝揭帝 般羅揭帝 般羅僧揭帝 菩提僧莎訶', opts)).toBe(normalizeText('揭諦揭諦，波羅揭諦，波羅僧揭諦，菩提薩婆訶', opts));
    expect(normalizeText('心無罣礙', opts)).toBe(normalizeText('心无挂碍', opts));
    expect(normalizeText('大悲呪', opts)).toBe(normalizeText('大悲咒', opts));
  });

  it('maps every normalized unit back to the original, across separators and surrogate pairs', () => {
    const original = '你好 冰-毒𠀋吗';
    const n = normalize(original);
    const at = n.text.indexOf('冰毒');
    const span = originalSpan(n, at, at + 2);
    expect(original.slice(span.start, span.end)).toBe('冰-毒');
    const x = n.text.indexOf('𠀋');
    const s2 = originalSpan(n, x, x + 2);
    expect(original.slice(s2.start, s2.end)).toBe('𠀋');
  });

  it('maps a character that expands (NFKC) to every unit it became, however long the text grows', () => {
    const original = '訂' + '㍿'.repeat(20) + '票';
    const n = normalize(original);
    expect(n.text).toBe('订' + '株式会社'.repeat(20) + '票');
    expect(n.starts.length).toBe(n.text.length);
    for (let k = 1; k <= 80; k++) expect(original.slice(n.starts[k], n.ends[k])).toBe('㍿');
    expect(originalSpan(n, 81, 82)).toEqual({ start: 21, end: 22 });
  });

  it('masks the original span, repeated characters included', () => {
    const original = '你是王王八蛋!';
    const n = normalize(original);
    const at = n.text.indexOf('王八蛋');
    expect(maskSpans(original, [originalSpan(n, at, at + 3)])).toBe('你是＊＊＊＊!');
  });

  it('masks overlapping spans once and counts code points, not UTF-16 units', () => {
    expect(maskSpans('a𠀋bc', [{ start: 1, end: 4 }, { start: 2, end: 4 }])).toBe('a＊＊c');
  });
});
