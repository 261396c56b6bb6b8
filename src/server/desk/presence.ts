/**
 * Presence of agents and masters: what they chose (online, away, offline) and whether they are
 * connected. The last connection closing makes them offline after a grace period (a page reload
 * must not bounce them); their open chats go back to the queue after a longer one.
 *
 * Works across nodes: each node refreshes `last_seen_at` of its connected serving users, and the
 * sweep only takes someone offline when no node has seen them within the grace period.
 */
import { sql } from 'kysely';
import type { PresenceStatus, RosterAgent } from '../../shared/desk';
import type { Role } from '../../shared/protocol';
import type { Db } from '../db/database';
import { AppError } from '../core/errors';
import type { User } from '../identity/users';
import type { Clock } from '../core/clock';
import type { ScheduleService } from './schedule';

export type { PresenceStatus } from '../../shared/desk';

export interface PresenceChange {
  userId: string;
  name: string;
  role: string;
  status: PresenceStatus;
}

export interface PresenceOptions {
  offlineGraceMs: number;
  requeueGraceMs: number;
}

export class PresenceService {
  /** Serving users connected to this node (refreshed in the database by `heartbeat`). */
  private readonly local = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly schedule: ScheduleService,
    private readonly clock: Clock,
    private readonly opts: PresenceOptions,
    private readonly onChange: (change: PresenceChange) => void,
  ) {}

  /** A serving user's first connection on this node opened. */
  async connected(user: Pick<User, 'id' | 'role'>): Promise<void> {
    if (!isServing(user.role)) return;
    this.local.add(user.id);
    const now = this.clock.now();
    const row = await this.db
      .updateTable('users')
      .set({ last_seen_at: now, offline_since: null, presence: sql`chosen_status` })
      .where('id', '=', user.id)
      .returning(['id', 'name', 'role', 'presence'])
      .executeTakeFirst();
    if (row) await this.changed(row, now);
  }

  /** A serving user's last connection on this node closed: offline later, unless seen again. */
  async disconnected(user: Pick<User, 'id' | 'role'>): Promise<void> {
    if (!isServing(user.role)) return;
    this.local.delete(user.id);
    await this.db.updateTable('users').set({ offline_since: this.clock.now() }).where('id', '=', user.id).where('offline_since', 'is', null).execute();
  }

  /** The agent's own toggle. */
  async choose(user: User, status: PresenceStatus): Promise<PresenceStatus> {
    if (!isServing(user.role)) throw new AppError('forbidden');
    const now = this.clock.now();
    const row = await this.db
      .updateTable('users')
      .set({
        chosen_status: status,
        // Choosing offline starts the re-queue clock; anything else is effective at once if connected.
        presence: status,
        offline_since: status === 'offline' ? now : null,
        last_seen_at: status === 'offline' ? sql`last_seen_at` : now,
      })
      .where('id', '=', user.id)
      .returning(['id', 'name', 'role', 'presence'])
      .executeTakeFirstOrThrow();
    await this.changed(row, now);
    return row.presence;
  }

  /** Refreshes last_seen_at of every serving user connected here (run every few seconds). */
  async heartbeat(): Promise<void> {
    if (this.local.size === 0) return;
    await this.db
      .updateTable('users')
      .set({ last_seen_at: this.clock.now(), offline_since: null })
      .where('id', 'in', [...this.local])
      .execute();
  }

  /**
   * Takes people offline whose connections are all gone past the grace period, and returns the
   * ids of offline people whose open chats must go back to the queue.
   */
  async sweep(): Promise<{ wentOffline: string[]; requeue: string[] }> {
    const now = this.clock.now();
    const graceCut = new Date(now.getTime() - this.opts.offlineGraceMs);
    const gone = await this.db
      .updateTable('users')
      .set({ presence: 'offline' })
      .where('role', 'in', ['agent', 'master'])
      .where('presence', '<>', 'offline')
      .where('offline_since', 'is not', null)
      .where('offline_since', '<=', graceCut)
      .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<=', graceCut)]))
      .returning(['id', 'name', 'role', 'presence'])
      .execute();
    for (const row of gone) await this.changed(row, now);
    const requeueCut = new Date(now.getTime() - this.opts.requeueGraceMs);
    const holders = await this.db
      .selectFrom('users as u')
      .select('u.id')
      .where('u.presence', '=', 'offline')
      .where('u.offline_since', '<=', requeueCut)
      .where((eb) => eb.exists(eb.selectFrom('chats as c').select('c.id').whereRef('c.customer_service_id', '=', 'u.id').where('c.status', '=', 'open')))
      .execute();
    return { wentOffline: gone.map((g) => g.id), requeue: holders.map((h) => h.id) };
  }

  /** Everyone who serves, with presence and load (for the dashboard). */
  async roster(): Promise<Array<RosterAgent & { skills: string[] }>> {
    // Only agents and masters are selected, so the role is a Role.
    const rows = await sql<{ id: string; name: string; role: Role; presence: PresenceStatus; load: number; max_concurrent: number; skills: string[] }>`
      SELECT u.id, u.name, u.role, u.presence, u.max_concurrent, u.skills,
        (SELECT count(*)::int FROM chats c WHERE c.customer_service_id = u.id AND c.status = 'open') AS load
      FROM users u WHERE u.role IN ('agent', 'master') ORDER BY u.role, u.name`.execute(this.db);
    return rows.rows.map((r) => ({ id: r.id, name: r.name, role: r.role, status: r.presence, load: r.load, capacity: r.max_concurrent, skills: r.skills }));
  }

  private async changed(row: { id: string; name: string; role: string; presence: PresenceStatus }, now: Date): Promise<void> {
    await this.schedule.syncCurrentStatus(row.id, row.presence, now);
    this.onChange({ userId: row.id, name: row.name, role: row.role, status: row.presence });
  }
}

function isServing(role: string): boolean {
  return role === 'agent' || role === 'master';
}
