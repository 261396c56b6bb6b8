/**
 * Search tokens of a text: the text folded to one script (Traditional and Simplified alike become
 * Simplified, full width becomes half width, case is dropped, separators are dropped: dharma's
 * normalize), then every pair of neighbouring characters, and each CJK character on its own (a
 * one-character query is common in Chinese). A query matches a message whose tokens include all
 * of the query's, and is then checked against the folded text itself (pairs can match out of order).
 */
import { normalize, originalSpan, type Normalized } from '../dharma/normalize';

const OPTIONS = { collapseRepeats: false } as const;

/** The text folded for search, with its position map back to the original. */
export function foldForSearch(text: string): Normalized {
  return normalize(text, OPTIONS);
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
