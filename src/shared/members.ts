/**
 * Wire shapes of the members API (PROTOCOL part 2, "Members and merit"): merit levels, the
 * member's standing and ledger, 三寶 certification, exclusive offers and the daily leaderboard.
 * Declared once for the server and the web app. Types and constants only.
 */
import type { MeritEntry } from './dharma';

/** A text in the three UI languages. */
export interface Localized {
  'zh-TW': string;
  'zh-CN': string;
  en: string;
}

/** A merit level: reached at `minMerit` total merit. */
export interface MeritLevel {
  id: string;
  name: Localized;
  minMerit: number;
  benefits: Localized[];
}

/** When the member first reached a level (from the ledger's running total). */
export interface LevelReached {
  levelId: string;
  /** The award that crossed the threshold (null for the first level, held from the start). */
  ledgerId: string | null;
  at: string | null;
}

/** GET /api/merit/me. */
export interface MeritStanding {
  total: number;
  level: MeritLevel;
  nextLevel: MeritLevel | null;
  /** Merit still needed for the next level (0 at the top). */
  toNext: number;
  /** The newest awards with the parts of each sum. */
  entries: MeritEntry[];
  /** The levels reached, in order. */
  history: LevelReached[];
}

/** What staff see of a member beside a chat (GET /api/members/:id/standing). */
export interface MemberStanding {
  memberId: string;
  certified: boolean;
  merit: { total: number; level: MeritLevel };
}

export type CertificationStatus = 'pending' | 'approved' | 'rejected';

/** A 三寶 certification application. */
export interface Certification {
  id: string;
  memberId: string;
  /** Reviewers see who applied. */
  memberName?: string;
  status: CertificationStatus;
  refugeDate: string;
  refugeTemple: string;
  master: string;
  dharmaName: string | null;
  note: string | null;
  /** Upload ids of the certificate's photos. */
  attachments: string[];
  reason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
}

/** An exclusive offer. `code` is shown to admins, and to a member once claimed. */
export interface Offer {
  id: string;
  title: string;
  body: string;
  minLevel: string;
  startsAt: string;
  endsAt: string;
  code?: string;
  /** Admins: how many members claimed it. */
  claims?: number;
  /** Members: whether they claimed it. */
  claimed?: boolean;
}

/** A row of the daily leaderboard: alias only, never the member's id. */
export interface LeaderboardEntry {
  rank: number;
  alias: string;
  merit: number;
}

/** GET /api/merit/leaderboard. */
export interface Leaderboard {
  date: string;
  entries: LeaderboardEntry[];
}

/** PUT /api/merit/me/leaderboard and its GET. */
export interface LeaderboardChoice {
  optIn: boolean;
  alias: string;
}

/** The frame a member receives when staff decide their certification. */
export interface CertificationFrame {
  type: 'certification';
  certification: Certification;
}
