/**
 * Turning a text into model features: normalized (one script), segmented by jieba, then hashed
 * into a fixed number of buckets — words (marked when negated), word pairs and character bigrams.
 * Hashing keeps the model file a fixed, small size whatever the vocabulary.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { NEGATORS, isClauseBreak, lexiconScore, lexiconWords } from './lexicon';
import { normalizeText } from './normalize';

let jieba: Jieba | null = null;

/** The shared segmenter (built on first use: loading the dictionary takes ~200 ms). */
function segmenter(): Jieba {
  if (!jieba) {
    jieba = Jieba.withDict(dict);
    // Domain words stay whole (隨喜, 法喜, 不耐煩…) so the lexicon and the model see them as units.
    jieba.loadDict(Buffer.from(lexiconWords().map((w) => `${w} 2000`).join('\n')));
  }
  return jieba;
}

/** A text prepared for scoring: normalized, segmented, with its lexicon score. */
export interface Prepared {
  normalized: string;
  tokens: string[];
  lexicon: number;
}

/** Normalizes and segments a text, and scores it with the lexicon. */
export function prepare(text: string): Prepared {
  const normalized = normalizeText(text);
  const tokens = normalized ? segmenter().cut(normalized, true).filter((t) => t !== ' ') : [];
  return { normalized, tokens, lexicon: lexiconScore(tokens) };
}

/** 32-bit FNV-1a over UTF-16 units with a seed per feature kind; fast and stable across runs. */
function hash(seed: number, s: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const KIND = { word: 1, negated: 2, pair: 3, bigram: 4 } as const;
/** Tokens after a negator that count as negated (within the clause). */
const NEGATION_SCOPE = 3;

/**
 * Deduplication without a Set: a stamp per bucket, bumped once per text. Scoring is synchronous,
 * so one table per bucket count is shared safely.
 */
const stamps = new Map<number, { table: Uint32Array; generation: number }>();

function stampTable(bits: number) {
  let s = stamps.get(bits);
  if (!s) stamps.set(bits, (s = { table: new Uint32Array(1 << bits), generation: 0 }));
  if (++s.generation === 0xffffffff) {
    s.table.fill(0);
    s.generation = 1;
  }
  return s;
}

/** Characters that make useful bigrams: CJK ideographs, ASCII letters and digits. */
function isWordChar(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
}

/**
 * Bucket indexes of a prepared text's features (deduplicated). `bits` sets the number of buckets
 * (2^bits); the model file stores the same number.
 */
export function featureBuckets(p: Prepared, bits: number): Uint32Array {
  const mask = (1 << bits) - 1;
  const stamp = stampTable(bits);
  const out: number[] = [];
  const add = (bucket: number) => {
    if (stamp.table[bucket] !== stamp.generation) {
      stamp.table[bucket] = stamp.generation;
      out.push(bucket);
    }
  };
  const s = p.normalized;
  // Characters inside negated words: their bigrams are left out, so that 不害怕 does not carry
  // the full weight of 害怕 and the negated-word feature (and the lexicon) can decide.
  const negatedChars = new Uint8Array(s.length);
  let offset = 0;
  let negatedFor = 0;
  let prev = '';
  // A negator that negates a word is represented by that word's negated feature, not by a feature
  // of its own: in reviews 不 is mostly a complaint, and its weight would drown 不難過 or 不害怕.
  // A negator with nothing to negate in its clause (a bare 不) stays a word.
  let pendingNegator: string | null = null;
  for (const t of p.tokens) {
    const at = s.indexOf(t, offset);
    if (at >= 0) offset = at + t.length;
    if (isClauseBreak(t)) {
      if (pendingNegator) add(hash(KIND.word, pendingNegator) & mask);
      pendingNegator = null;
      negatedFor = 0;
      prev = '';
      continue;
    }
    if (NEGATORS.has(t)) {
      if (pendingNegator) add(hash(KIND.word, pendingNegator) & mask);
      pendingNegator = t;
      negatedFor = NEGATION_SCOPE;
    } else if (negatedFor > 0) {
      pendingNegator = null;
      add(hash(KIND.negated, t) & mask);
      if (at >= 0) negatedChars.fill(1, at, at + t.length);
      negatedFor--;
    } else {
      add(hash(KIND.word, t) & mask);
    }
    if (prev) add(hash(KIND.pair, prev + '|' + t) & mask);
    prev = t;
  }
  if (pendingNegator) add(hash(KIND.word, pendingNegator) & mask);
  for (let i = 0; i + 1 < s.length; i++) {
    if (negatedChars[i] && negatedChars[i + 1]) continue;
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    if (!isWordChar(a) || !isWordChar(b)) continue;
    // Hash the two code units directly instead of building a string.
    let h = (0x811c9dc5 ^ KIND.bigram) >>> 0;
    h = Math.imul(h ^ a, 0x01000193);
    h = Math.imul(h ^ b, 0x01000193);
    add((h >>> 0) & mask);
  }
  return Uint32Array.from(out);
}
