/**
 * The sentiment engine: a text's mood in [−1, 1] (−1 very negative, 0 neutral, 1 very positive),
 * in either script, from the trained model combined with the domain lexicon.
 */
import { prepare } from './features';
import { logit, loadModel, type SentimentModel } from './model';

/** A score with what made it, for explanations and tests. */
export interface SentimentResult {
  score: number;
  /** The lexicon's raw sum (before the model's weight). */
  lexicon: number;
  tokens: string[];
}

export class SentimentEngine {
  constructor(readonly model: SentimentModel) {}

  /** An engine with the shipped model (or the model file at `path`). */
  static load(path?: string): SentimentEngine {
    return new SentimentEngine(loadModel(path));
  }

  /** The score of a text in [−1, 1]; empty or symbol-only text is 0. */
  score(text: string): number {
    return this.analyze(text).score;
  }

  /** The score with its parts. */
  analyze(text: string): SentimentResult {
    const p = prepare(text);
    if (p.tokens.length === 0) return { score: 0, lexicon: 0, tokens: [] };
    let score = toScore(logit(this.model, p));
    // The reviews the model learned from have no neutral class, so plain questions (請問…出貨？)
    // drift towards the moods of review words. A question with no sentiment word is pulled
    // towards 0; one that carries feeling (為什麼還沒出貨，很失望？) keeps its score.
    if (isInquiry(p.normalized, p.tokens) && Math.abs(p.lexicon) < INQUIRY_LEXICON_LIMIT) score = round4(score * INQUIRY_DAMPING);
    return { score, lexicon: p.lexicon, tokens: p.tokens };
  }
}

const INQUIRY_DAMPING = 0.35;
const INQUIRY_LEXICON_LIMIT = 0.8;
// Question and request words (engine script): asking, checking, ordering.
const INQUIRY_WORDS = new Set([
  '请问', '吗', '呢', '多少', '几', '几天', '什么', '什么时候', '怎么', '如何', '哪里', '哪', '是否', '能否', '可否', '可以',
  '请', '帮我', '想要', '我要', '查', '查一下', '查询', '想问', '问一下', '确认', '订购', '预约', '报名',
]);

/** A plain question or request: a question mark, or a question or request word among the tokens. */
export function isInquiry(normalized: string, tokens: readonly string[]): boolean {
  if (/[?？]\s*$/.test(normalized)) return true;
  return tokens.some((t) => INQUIRY_WORDS.has(t));
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Maps a logit to [−1, 1] (2·sigmoid − 1), rounded to 4 decimals so stored scores are stable. */
export function toScore(z: number): number {
  return Math.round(Math.tanh(z / 2) * 10_000) / 10_000;
}
