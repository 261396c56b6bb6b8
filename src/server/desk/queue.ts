/**
 * The pending queue as members see it: their position (by urgency, then arrival) and a wait
 * estimate from recent handle times, kept up to date as the queue moves.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { systemClock, type Clock } from '../core/clock';
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
 * history), shared among the people online now who serve the chat's queue (its serving role:
 * agents by default, masters for the Dharma queue). When nobody who serves it is online, there is
 * no honest number: `estimate` says so with null. Cached briefly: it is read per chat frame.
 */
export class WaitEstimator {
  private cached: { at: number; handleSeconds: number; online: Map<string, number>; roleOf: Map<string, string> } | null = null;
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Seconds a chat at `position` in `queue` can expect to wait, or null when nobody who serves it is online. */
  async estimate(position: number, queue: string | null = null): Promise<number | null> {
    const { handleSeconds, online, roleOf } = await this.inputs();
    const role = (queue && roleOf.get(queue)) || 'agent';
    const serving = online.get(role) ?? 0;
    if (serving === 0) return null;
    return Math.round((position * handleSeconds) / serving);
  }

  /** Forgets the cache (after a presence change, say). */
  invalidate(): void {
    this.cached = null;
  }

  private async inputs() {
    const now = this.clock.now();
    if (this.cached && now.getTime() - this.cached.at < 15_000) return this.cached;
    const since = new Date(now.getTime() - 24 * 3600_000).toISOString();
    const [handle, online, queues] = await Promise.all([
      sql<{ handle: number | null }>`
        SELECT avg(EXTRACT(EPOCH FROM (closed_at - assigned_at)))::float8 AS handle FROM chats
        WHERE status = 'closed' AND assigned_at IS NOT NULL AND closed_at > ${since}::timestamptz`.execute(this.db),
      sql<{ role: string; n: number }>`
        SELECT role, count(*)::int AS n FROM users WHERE role IN ('agent','master') AND presence = 'online' GROUP BY role`.execute(this.db),
      this.db.selectFrom('desk_queues').select(['id', 'serving_role']).execute(),
    ]);
    const h = handle.rows[0]?.handle;
    this.cached = {
      at: now.getTime(),
      handleSeconds: h && h > 0 ? h : 300,
      online: new Map(online.rows.map((r) => [r.role, r.n])),
      roleOf: new Map(queues.map((q) => [q.id, q.serving_role ?? 'agent'])),
    };
    return this.cached;
  }
}
