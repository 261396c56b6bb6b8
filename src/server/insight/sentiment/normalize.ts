/**
 * One script for everything the engine sees. The training reviews and jieba's dictionary are
 * Simplified, so members' Traditional text is converted to Simplified (not the other way round):
 * the model and the segmenter then see the vocabulary they know.
 */
import { toSimplified } from '../../lib/chinese-script';
import { memoRecent } from '../../lib/recent-memo';


/** NFKC (full-width letters and digits), Simplified script, lower case, collapsed whitespace. */
export const normalizeText = memoRecent((text: string): string => toSimplified(text.normalize('NFKC')).toLowerCase().replace(/\s+/g, ' ').trim());

/** Converts a word list written in Traditional (the project's source script) to the engine's script. */
export function engineScript(words: readonly string[]): string[] {
  return words.map((w) => toSimplified(w));
}
