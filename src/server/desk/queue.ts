/**
 * The pending queue as members see it: their position (by urgency, then arrival) and a wait
 * estimate from recent handle times, kept up to date as the queue moves.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { systemClock, type Clock } from './clock';
import { urgencySql } from './priority';

/** Position (1-based) of each pending chat in serving order; chats not pending are absent. */
export async function pendingPositions(db: Db, now: Date = new Date(), limit = 1000): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('chats as c')
    .select('c.id')
    .where('c.status', '=', 'pending')
    .orderBy(urgencySql(now), 'desc')
    .orderBy('c.created_at')
    .orderBy('c.id')
    .limit(limit)
    .execute();
  return new Map(rows.map((r, i) => [r.id, i + 1]));
}

/** Position of one pending chat. */
export async function queuePositionOf(db: Db, chatId: string, now: Date = new Date()): Promise<number | undefined> {
  return (await pendingPositions(db, now)).get(chatId);
}

/**
 * Wait estimates: average handle time of chats closed in the last day (5 minutes when there is no
 * history), shared among the serving people online now. Cached briefly: it is read per chat frame.
 */
export class WaitEstimator {
  private cached: { at: number; handleSeconds: number; online: number } | null = null;
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Seconds a chat at `position` can expect to wait. */
  async estimate(position: number): Promise<number> {
    const { handleSeconds, online } = await this.inputs();
    return Math.round((position * handleSeconds) / Math.max(1, online));
  }

  /** Forgets the cache (after a presence change, say). */
  invalidate(): void {
    this.cached = null;
  }

  private async inputs() {
    const now = this.clock.now();
    if (this.cached && now.getTime() - this.cached.at < 15_000) return this.cached;
    const since = new Date(now.getTime() - 24 * 3600_000).toISOString();
    const row = await sql<{ handle: number | null; online: number }>`
      SELECT
        (SELECT avg(EXTRACT(EPOCH FROM (closed_at - assigned_at)))::float8 FROM chats
          WHERE status = 'closed' AND assigned_at IS NOT NULL AND closed_at > ${since}::timestamptz) AS handle,
        (SELECT count(*)::int FROM users WHERE role IN ('agent','master') AND presence = 'online') AS online`.execute(this.db);
    const r = row.rows[0];
    this.cached = { at: now.getTime(), handleSeconds: r.handle && r.handle > 0 ? r.handle : 300, online: r.online };
    return this.cached;
  }
}
