/**
 * The members domain: merit levels over the merit ledger (dharma/merit.ts scores chats), 三寶
 * certification, exclusive offers by level and the daily leaderboard.
 */
import type { MeritStanding, MemberStanding } from '../../shared/members';
import type { Db } from '../db/database';
import type { Clock } from '../core/clock';
import type { ContentFilter } from '../dharma/filter';
import type { Merit } from '../dharma/merit';
import type { EventHub, Listener } from '../events/hub';
import { Certifications } from './certifications';
import { MeritLeaderboard } from './leaderboard';
import { Levels, standingIn } from './levels';
import { levelsUpTo, Offers } from './offers';

export interface MembersDeps {
  db: Db;
  hub: EventHub;
  clock: Clock;
  merit: Merit;
  /** Checks the aliases members show on the leaderboard. */
  filter: ContentFilter;
  /** Desk time zone (the leaderboard's day, the latest refuge date). */
  timezone: string;
  /** Recomputes a waiting chat's stored urgency (the desk's). */
  recomputeUrgency(chatId: string): Promise<void>;
}

export class Members {
  readonly levels: Levels;
  readonly certifications: Certifications;
  readonly offers: Offers;
  readonly leaderboard: MeritLeaderboard;

  constructor(private readonly deps: MembersDeps) {
    this.levels = new Levels(deps.db);
    this.certifications = new Certifications({ db: deps.db, hub: deps.hub, clock: deps.clock, timezone: deps.timezone });
    this.offers = new Offers({ db: deps.db, clock: deps.clock });
    this.leaderboard = new MeritLeaderboard({ db: deps.db, clock: deps.clock, timezone: deps.timezone, filter: deps.filter });
  }

  /**
   * A member certified while a chat of theirs waits: the chat's urgency takes the certification's
   * weight now, not at the next recompute (once per event; recomputing twice gives the same value).
   */
  readonly listener: Listener = {
    name: 'members.priority',
    scope: 'once',
    on: {
      'member.certified': async (event) => {
        const waiting = await this.deps.db.selectFrom('chats').select('id').where('member_id', '=', event.data.memberId).where('status', '=', 'pending').execute();
        for (const c of waiting) await this.deps.recomputeUrgency(c.id);
      },
    },
  };

  /** The member's merit: total, level, the next level and what it still takes, ledger and level history. */
  async meritOf(memberId: string, limit = 20): Promise<MeritStanding> {
    const [summary, levels] = await Promise.all([this.deps.merit.of(memberId, limit), this.levels.list()]);
    const standing = standingIn(levels, summary.total);
    return { total: summary.total, ...standing, entries: summary.entries, history: await this.levels.history(memberId, levels) };
  }

  /** The ids of the levels a member's total opens (theirs and below). */
  async openLevels(memberId: string): Promise<string[]> {
    const [total, levels] = await Promise.all([this.totalOf(memberId), this.levels.list()]);
    return levelsUpTo(levels, standingIn(levels, total).level);
  }

  /** What staff see of a member: certified, merit total and level. */
  async standingOf(memberId: string): Promise<MemberStanding> {
    const [total, levels, certified] = await Promise.all([this.totalOf(memberId), this.levels.list(), this.certifications.isCertified(memberId)]);
    return { memberId, certified, merit: { total, level: standingIn(levels, total).level } };
  }

  private async totalOf(memberId: string): Promise<number> {
    const row = await this.deps.db.selectFrom('merit_totals').select('total').where('user_id', '=', memberId).executeTakeFirst();
    return row?.total ?? 0;
  }
}
