/**
 * Search tokens of a text: the text folded to one script (Traditional and Simplified alike become
 * Simplified, full width becomes half width, case is dropped, separators are dropped: dharma's
 * normalize), then every pair of neighbouring characters, and each CJK character on its own (a
 * one-character query is common in Chinese). A query matches a message whose tokens include all
 * of the query's, and is then checked against the folded text itself (pairs can match out of order).
 */
import { normalize, originalSpan, type Normalized } from '../dharma/normalize';
import { foldCodePoint } from '../lib/chinese-script';

const OPTIONS = { collapseRepeats: false } as const;

/**
 * The text folded for search, with its position map back to the original. The character fold is
 * applied until nothing changes: it is not idempotent for a few characters (Traditional 麼 folds
 * to 么, and 么, read as Taiwan Traditional, to 幺), and a query typed in Simplified starts one
 * step further along than the Traditional text it should find.
 */
export function foldForSearch(text: string): Normalized {
  const n = normalize(text, OPTIONS);
  let folded = n.text;
  for (let round = 0; round < 3; round++) {
    const again = refold(folded);
    if (again === folded) break;
    folded = again;
  }
  return folded === n.text ? n : { ...n, text: folded };
}

/** One more fold of each character, kept only where it stays one UTF-16 unit (the position map is per unit). */
function refold(text: string): string {
  let out = '';
  for (const ch of text) {
    const f = foldCodePoint(ch.codePointAt(0)!);
    out += f.length === ch.length ? f : ch;
  }
  return out;
}

const isCjk = (ch: string) => ch.codePointAt(0)! >= 0x2e80;

/** Every token a stored text is indexed under. */
export function indexTokens(text: string): string[] {
  const chars = [...foldForSearch(text).text];
  const tokens = new Set<string>();
  for (let i = 0; i < chars.length; i++) {
    if (isCjk(chars[i])) tokens.add(chars[i]);
    if (i + 1 < chars.length) tokens.add(chars[i] + chars[i + 1]);
  }
  return [...tokens];
}

/** The tokens a query needs (empty when the query folds to nothing searchable). */
export function queryTokens(folded: string): string[] {
  const chars = [...folded];
  if (chars.length === 1) return isCjk(chars[0]) ? [chars[0]] : [];
  const tokens = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) tokens.add(chars[i] + chars[i + 1]);
  return [...tokens];
}

/**
 * Where the folded query occurs in a text, as a snippet of the original around it (about `around`
 * characters each side), or null when it does not occur.
 */
export function snippetOf(text: string, foldedQuery: string, around = 24): string | null {
  const n = foldForSearch(text);
  const at = n.text.indexOf(foldedQuery);
  if (at < 0) return null;
  const { start, end } = originalSpan(n, at, at + foldedQuery.length);
  const from = Math.max(0, start - around);
  const to = Math.min(text.length, end + around);
  return `${from > 0 ? '…' : ''}${text.slice(from, to).replace(/\s+/g, ' ')}${to < text.length ? '…' : ''}`;
}
