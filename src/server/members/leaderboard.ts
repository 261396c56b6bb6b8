/**
 * The daily merit leaderboard (opt-in): merit awarded on one desk-time day to the members who
 * chose to appear, by the alias they chose (a masked form of their name by default), never their
 * id (an alias must pass the content filter). Ranks are shared by equal totals (1, 2, 2, 4); the board lists every rank up to 100, so a
 * tie at the edge is shown whole rather than cut at random.
 */
import { sql } from 'kysely';
import type { FilterResult } from '../../shared/dharma';
import type { Leaderboard, LeaderboardChoice } from '../../shared/members';
import type { Db } from '../db/database';
import type { Clock } from '../core/clock';
import { AppError } from '../core/errors';
import type { User } from '../identity/users';

export const LEADERBOARD_SIZE = 100;
export const MAX_ALIAS = 20;

/** A name with all but its first character masked: 王小明 → 王＊＊, Alice → A＊＊＊＊ (at most 4 marks). */
export function maskedName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '＊＊';
  return chars[0] + '＊'.repeat(Math.min(4, Math.max(1, chars.length - 1)));
}

/** Today's date in the desk's time zone (YYYY-MM-DD). */
export function deskDate(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export class MeritLeaderboard {
  constructor(private readonly deps: { db: Db; clock: Clock; timezone: string; filter: { check(text: string): Promise<FilterResult> } }) {}

  /** The member's choice (not opted in, masked name, until they choose). */
  async choice(member: User): Promise<LeaderboardChoice> {
    const row = await this.deps.db.selectFrom('merit_leaderboard_prefs').select(['opt_in', 'alias']).where('user_id', '=', member.id).executeTakeFirst();
    return { optIn: row?.opt_in ?? false, alias: row?.alias ?? maskedName(member.name) };
  }

  /** Sets whether the member appears and under which alias (blank or absent: the masked name). */
  async choose(member: User, optIn: boolean, alias: string | undefined): Promise<LeaderboardChoice> {
    if (member.role !== 'member') throw new AppError('forbidden');
    const given = alias?.trim();
    if (given !== undefined && [...given].length > MAX_ALIAS) throw new AppError('invalid', { field: 'alias', reason: 'too_long', max: MAX_ALIAS });
    if (given) {
      // Every member reads the board: an alias passes the content filter whole (no mask, no flag).
      const r = await this.deps.filter.check(given);
      const hit = r.blocked ?? r.masked[0] ?? r.flagged[0];
      if (hit) throw new AppError('forbidden_content', { field: 'alias', category: hit.category });
    }
    // Keep an alias chosen before when only the opt-in changes.
    const keep = alias === undefined ? (await this.choice(member)).alias : null;
    const value = given || keep || maskedName(member.name);
    await this.deps.db
      .insertInto('merit_leaderboard_prefs')
      .values({ user_id: member.id, opt_in: optIn, alias: value, updated_at: new Date() })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ opt_in: optIn, alias: value, updated_at: new Date() }))
      .execute();
    return { optIn, alias: value };
  }

  /** The board of a desk day (default today). */
  async of(date: string | undefined): Promise<Leaderboard> {
    const day = date ?? deskDate(this.deps.clock.now(), this.deps.timezone);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(new Date(`${day}T00:00:00Z`).getTime()) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) {
      throw new AppError('invalid', { field: 'date', reason: 'date' });
    }
    const tz = this.deps.timezone;
    // The day's bounds in desk time, so the ledger's time index serves the range.
    const rows = await sql<{ rank: number; alias: string; merit: number }>`
      WITH day AS (
        SELECT (${day}::date::timestamp AT TIME ZONE ${tz}) AS starts, ((${day}::date + 1)::timestamp AT TIME ZONE ${tz}) AS ends
      ), sums AS (
        SELECT l.member_id, sum(l.points)::int AS merit
        FROM merit_ledger l, day
        WHERE l.created_at >= day.starts AND l.created_at < day.ends
        GROUP BY l.member_id
      ), ranked AS (
        SELECT rank() OVER (ORDER BY s.merit DESC)::int AS rank, p.alias, s.merit
        FROM sums s JOIN merit_leaderboard_prefs p ON p.user_id = s.member_id AND p.opt_in
      )
      SELECT rank, alias, merit FROM ranked WHERE rank <= ${LEADERBOARD_SIZE} ORDER BY rank, alias`.execute(this.deps.db);
    return { date: day, entries: rows.rows.map((r) => ({ rank: r.rank, alias: r.alias ?? '', merit: r.merit })) };
  }
}
