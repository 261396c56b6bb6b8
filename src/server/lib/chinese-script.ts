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
