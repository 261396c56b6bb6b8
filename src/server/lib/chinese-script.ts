/**
 * The server's two script converters (Taiwan Traditional ↔ Simplified), built once and shared by
 * every domain. Each opencc-js converter builds its own dictionary trie out of JavaScript objects:
 * one from Simplified to Traditional is about 40 MB of heap, and the desk, the router and the
 * analysis each used to build their own (about 120 MB that every major garbage collection had to
 * mark, with pauses of 50-100 ms under load: bench/, durable relay at half load).
 */
import * as OpenCC from 'opencc-js';

// Built at load, not on first use: building the Traditional one blocks for a good part of a
// second, which a first chat must not wait for.
const simplified = OpenCC.Converter({ from: 'tw', to: 'cn' });
const traditional = OpenCC.Converter({ from: 'cn', to: 'tw' });

/** Taiwan Traditional (and mixed) text in Simplified script. */
export function toSimplified(text: string): string {
  return simplified(text);
}

/** Simplified (and mixed) text in Taiwan Traditional script, with Taiwan phrasing. */
export function toTraditional(text: string): string {
  return traditional(text);
}

/**
 * One code point folded for matching: NFKC, lower case, and Traditional → Simplified one character
 * at a time (cached). Matching code folds both sides this way, so it never runs the phrase
 * converter over a whole message: that was a tenth of the server's CPU on the send path (bench/).
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
