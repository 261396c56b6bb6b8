/**
 * Urgency of a pending chat in 0..1, from what is known about it: how long it has waited, the
 * member's tier and 三寶 certification, the mood of their messages, and urgency words. The static part (everything but
 * waiting) is stored on the chat; waiting is added when the queue is read, so the order is always
 * current without rewriting rows every second.
 */
import { sql, type RawBuilder } from 'kysely';
import { foldText, toSimplified } from '../lib/chinese-script';

/** Words that make a request urgent for a Buddhist shop's members (Traditional script). */
export const URGENCY_WORDS = ['臨終', '往生', '過世', '去世', '病危', '急救', '病痛', '住院', '手術', '加護病房', '助念', '急', '緊急', '馬上', '立刻', '救命'];

const TIER_WEIGHT: Record<string, number> = { regular: 0, silver: 0.4, gold: 0.7, vip: 1 };
/** A 三寶 certified member (refuge taken, verified by a master) weighs like a tier between silver and gold, added to the shop tier (capped at 1). */
export const CERTIFIED_WEIGHT = 0.5;

/** Weights of the components (they sum to 1). */
export const WEIGHTS = { wait: 0.35, tier: 0.15, sentiment: 0.2, words: 0.3 } as const;
/** Waiting this long counts as fully urgent. */
export const WAIT_SATURATION_SECONDS = 30 * 60;


/** Each urgency word folded (lib/chinese-script), from its Traditional and its Simplified spelling. */
const URGENCY_FORMS = URGENCY_WORDS.map((w) => [...new Set([foldText(w), foldText(toSimplified(w))])]);

/** Urgency words found in a text (either script), in their Traditional form. */
export function urgencyWordsIn(text: string): string[] {
  const t = foldText(text);
  return URGENCY_WORDS.filter((_, i) => URGENCY_FORMS[i].some((form) => t.includes(form)));
}

export interface UrgencyInputs {
  tier: string;
  /** The member holds an approved 三寶 certification. */
  certified?: boolean;
  /** Lowest sentiment score of the member's messages so far (−1..1), if scored. */
  minSentiment: number | null;
  /** Urgency words seen in the topic and messages. */
  words: string[];
  /** Set by distress detection: always the top of the queue. */
  distress: boolean;
}

/** The stored part of the urgency (everything but waiting time). */
export function baseUrgency(i: UrgencyInputs): number {
  if (i.distress) return 1;
  const tier = Math.min(1, (TIER_WEIGHT[i.tier] ?? 0) + (i.certified ? CERTIFIED_WEIGHT : 0));
  const mood = i.minSentiment === null ? 0 : Math.max(0, -i.minSentiment);
  const words = Math.min(1, i.words.length / 2);
  return round(WEIGHTS.tier * tier + WEIGHTS.sentiment * mood + WEIGHTS.words * words);
}

/** Full urgency at a moment: the stored part plus waiting time, capped at 1. */
export function urgencyAt(base: number, createdAt: Date, now: Date, distress = false): number {
  if (distress) return 1;
  const waited = Math.max(0, (now.getTime() - createdAt.getTime()) / 1000);
  return round(Math.min(1, base + WEIGHTS.wait * Math.min(1, waited / WAIT_SATURATION_SECONDS)));
}

/** The same as urgencyAt, as SQL over chats `c`, for ordering the queue in the database. */
export function urgencySql(now: Date): RawBuilder<number> {
  return sql<number>`(CASE WHEN c.distress THEN 1 ELSE LEAST(1, c.base_urgency + ${WEIGHTS.wait} * LEAST(1, GREATEST(0, EXTRACT(EPOCH FROM (${now.toISOString()}::timestamptz - c.created_at))) / ${WAIT_SATURATION_SECONDS})) END)`;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
