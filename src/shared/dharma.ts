/**
 * Wire shapes of the Dharma HTTP API (/api/dharma/*, /api/merit/me): what the server sends and
 * accepts, declared once so the server and the web app cannot drift apart. Types and small
 * constant lists only: no server or DOM imports.
 */
import type { MeritParts } from './domain-events';

/** What a category does to a message that contains one of its terms. */
export type FilterAction = 'block' | 'flag' | 'mask' | 'off';
export const FILTER_ACTIONS: readonly FilterAction[] = ['block', 'flag', 'mask', 'off'];

/** A filter category with its action and number of enabled terms. */
export interface Category {
  id: string;
  name: string;
  action: FilterAction;
  terms: number;
}

/** A listed term; curated ones are disabled with the reason in `note`. */
export interface Term {
  id: number;
  term: string;
  normalized: string;
  category: string;
  enabled: boolean;
  source: string;
  note: string | null;
}

/** A term on the allow-list. */
export interface AllowedTerm {
  id: number;
  term: string;
  normalized: string;
  source: string;
}

/** A term found in a text: where (original UTF-16 span), what and which category. */
export interface FilterHit {
  term: string;
  category: string;
  action: FilterAction;
  start: number;
  end: number;
}

/** The filter's decision for one text. */
export interface FilterResult {
  /** The most severe outcome: block beats mask beats flag. */
  blocked: FilterHit | null;
  masked: FilterHit[];
  flagged: FilterHit[];
  /** The text with masked spans replaced by ＊. */
  text: string;
}

/**
 * `not_checked`: a message's citations past the per-message bound are marked, not verified.
 * `variant`: the words are the text's once reviewed popular readings are put back (`readings`).
 */
export type CitationStatus = 'exact' | 'variant' | 'near' | 'misquote' | 'misattributed' | 'unknown_sutra' | 'not_in_corpus' | 'too_short' | 'not_checked';

/** A sutra as a citation result names it. */
export interface SutraRef {
  id: string;
  title: string;
  taisho: string | null;
}

/** The verdict on one quoted passage. */
export interface CitationResult {
  /** The sutra name as written. */
  claimed: string;
  quote: string;
  status: CitationStatus;
  sutra: SutraRef | null;
  /** Edit distance of the closest authentic passage (0 for exact). */
  distance?: number;
  /** The authentic passage closest to the quote (corpus script and punctuation). */
  passage?: string;
  /** Where the words really are, when they belong to another sutra. */
  foundIn?: SutraRef;
  /** False when the words are in no text of the corpus (a misquote that is no misattribution). */
  inCorpus?: boolean;
  /** The popular readings a `variant` quote uses, with the Taishō wording of each. */
  readings?: Array<{ popular: string; taisho: string }>;
}

/** POST /api/dharma/check: what the filter and the citation check would do with a text. */
export interface CheckResult {
  filter: FilterResult;
  citations: CitationResult[];
}

/** A flagged message or a member's misquote for supervisors to review. */
export interface Review {
  id: string;
  messageId: string;
  chatId: string;
  seq: number;
  kind: 'content' | 'unverified_citation' | string;
  detail: Record<string, unknown>;
  text: string;
  senderRole: string;
  senderName: string | null;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

export type SutraCoverage = 'full' | 'partial';

/** A text of the corpus, without its content. */
export interface Sutra {
  id: string;
  taisho: string | null;
  title: string;
  aliases: string[];
  coverage: SutraCoverage;
  source: string;
  length: number;
  createdAt: string;
}

/** POST /api/dharma/sutras: a text an admin adds to the corpus. */
export interface NewSutra {
  id: string;
  taisho?: string | null;
  title: string;
  aliases?: string[];
  coverage?: SutraCoverage;
  content: string;
}

/** An automatic reply rule. */
export interface Rule {
  id: string;
  keywords: string[];
  reply: string;
  enabled: boolean;
  position: number;
}

/** POST /api/dharma/rules body (PATCH takes any part of it). */
export interface RuleInput {
  keywords: string[];
  reply: string;
  enabled?: boolean;
  position?: number;
}

/** A reply of the compassion pool. */
export interface CompassionEntry {
  id: string;
  text: string;
  enabled: boolean;
}

/** One conversation's merit (a row of the member's ledger). */
export interface MeritEntry {
  id: string;
  /** Null once retention purged the chat (the award stays). */
  chatId: string | null;
  points: number;
  minutes: number;
  positiveTerms: number;
  /** The kind words counted (as stored). */
  positiveDetail: unknown[];
  verifiedQuotes: number;
  /** The parts of the sum: base + minutePoints + positivePoints + quotePoints = points. */
  parts: MeritParts;
  /** The first staff answer (conversation minutes count from here to the close); null if none. */
  conversationStartedAt: string | null;
  createdAt: string;
}

/** GET /api/merit/me: the caller's merit total and recent entries. */
export interface MeritSummary {
  total: number;
  entries: MeritEntry[];
}
