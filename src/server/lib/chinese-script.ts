/**
 * The server's script handling: Taiwan Traditional → Simplified conversion (opencc-js), built once
 * and shared by every domain, and a character-level fold for matching. Everything the server
 * matches (terms, distress words, urgency words, queue keywords) is compared folded to Simplified,
 * so no Simplified → Traditional converter is kept: its dictionary trie would be a large share of
 * the old-generation heap every major garbage collection marks (see docs/decisions/008).
 */
import * as OpenCC from 'opencc-js';

// Built at load, not on first use (a first chat must not wait for it); about 2 MB.
const simplified = OpenCC.Converter({ from: 'tw', to: 'cn' });

/** Taiwan Traditional (and mixed) text in Simplified script. */
export function toSimplified(text: string): string {
  return simplified(text);
}

/**
 * Characters written only in Simplified script (they have a different Traditional form): from
 * opencc-js's own character table, a few thousand entries instead of a phrase trie.
 */
const SIMPLIFIED_ONLY: ReadonlySet<string> = new Set(
  OpenCC.Locale.from.cn
    .flatMap((group) => [...group])
    .flatMap((table) => (typeof table === 'string' ? table.split('|').map((entry) => entry.split(' ')) : table.map(([from, to]) => [from, to])))
    .filter(([from, ...to]) => [...from].length === 1 && to.length > 0 && !to.includes(from))
    .map(([from]) => from),
);

/** True when a text reads as Simplified: it has Simplified-only characters, and converting it changes nothing. */
export function looksSimplified(text: string): boolean {
  for (const c of text) if (SIMPLIFIED_ONLY.has(c)) return simplified(text) === text;
  return false;
}

/**
 * One code point folded for matching: NFKC, lower case, and Traditional → Simplified one character
 * at a time (cached). Matching code folds both sides this way, so it never runs the phrase
 * converter over a whole message, which is costly on the send path (see docs/decisions/008).
 * A converter answer longer than one character is not used (positions stay one to one).
 */
export function foldCodePoint(cp: number): string {
  let out = foldCache.get(cp);
  if (out !== undefined) return out;
  const ch = String.fromCodePoint(cp);
  out = '';
  for (const c of ch.normalize('NFKC').toLowerCase()) {
    const s = c.codePointAt(0)! < 0x2e80 ? c : simplified(c);
    out += [...s].length === 1 ? s : c;
  }
  foldCache.set(cp, out);
  return out;
}
const foldCache = new Map<number, string>();

/** A whole text folded code point by code point (see foldCodePoint). */
export function foldText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    out += foldCodePoint(cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return out;
}
