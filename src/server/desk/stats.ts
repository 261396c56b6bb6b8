/**
 * Efficiency statistics (客服效率統計) and the supervisors' live dashboard snapshot (監控儀表板).
 */
import { sql } from 'kysely';
import type { AgentDayStats, AssignmentMode, DashboardSnapshot, RatingStats } from '../../shared/desk';
import type { Db } from '../db/database';
import { toCsv } from '../lib/csv';
import type { Clock } from '../core/clock';
import type { PresenceService } from './presence';

// The wire shapes live in src/shared; re-exported for the modules that import them from here.
export type { AgentDayStats, DashboardSnapshot } from '../../shared/desk';

/** An average score to two decimals (null without ratings). */
const roundRating = (v: number | null): number | null => (v === null ? null : Math.round(v * 100) / 100);

export class DeskStats {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly timezone: string,
    private readonly presence: PresenceService,
  ) {}

  /** Per agent and per local day: chats handled (assigned), closed, first response and handle times. */
  async perAgentDay(from: Date, to: Date): Promise<AgentDayStats[]> {
    const tz = this.timezone;
    const rows = await sql<{ day: string; agent_id: string; agent_name: string; handled: number; closed: number; first_response: number | null; handle: number | null; ratings: number; rating: number | null }>`
      SELECT to_char((c.assigned_at AT TIME ZONE ${tz})::date, 'YYYY-MM-DD') AS day,
             u.id AS agent_id, u.name AS agent_name,
             count(*)::int AS handled,
             count(*) FILTER (WHERE c.status = 'closed')::int AS closed,
             avg(EXTRACT(EPOCH FROM (c.first_response_at - c.assigned_at)))::float8 AS first_response,
             avg(EXTRACT(EPOCH FROM (c.closed_at - c.assigned_at))) FILTER (WHERE c.status = 'closed')::float8 AS handle,
             count(r.score)::int AS ratings, avg(r.score)::float8 AS rating
      FROM chats c JOIN users u ON u.id = c.customer_service_id LEFT JOIN chat_ratings r ON r.chat_id = c.id
      WHERE c.assigned_at >= ${from.toISOString()}::timestamptz AND c.assigned_at < ${to.toISOString()}::timestamptz
      GROUP BY 1, 2, 3 ORDER BY 1, 3`.execute(this.db);
    return rows.rows.map((r) => ({
      day: r.day,
      agentId: r.agent_id,
      agentName: r.agent_name,
      handled: r.handled,
      closed: r.closed,
      avgFirstResponseSeconds: r.first_response === null ? null : Math.round(r.first_response),
      avgHandleSeconds: r.handle === null ? null : Math.round(r.handle),
      ratings: r.ratings,
      avgRating: roundRating(r.rating),
    }));
  }

  /**
   * Satisfaction over a period (by the time of rating): per agent who held the chat, per queue,
   * and overall.
   */
  async ratings(from: Date, to: Date): Promise<RatingStats> {
    const range = sql`r.created_at >= ${from.toISOString()}::timestamptz AND r.created_at < ${to.toISOString()}::timestamptz`;
    const agents = await sql<{ agent_id: string; agent_name: string; n: number; rating: number }>`
      SELECT u.id AS agent_id, u.name AS agent_name, count(*)::int AS n, avg(r.score)::float8 AS rating
      FROM chat_ratings r JOIN chats c ON c.id = r.chat_id JOIN users u ON u.id = c.customer_service_id
      WHERE ${range} GROUP BY u.id, u.name ORDER BY u.name`.execute(this.db);
    const queues = await sql<{ queue: string | null; n: number; rating: number }>`
      SELECT c.queue, count(*)::int AS n, avg(r.score)::float8 AS rating
      FROM chat_ratings r JOIN chats c ON c.id = r.chat_id
      WHERE ${range} GROUP BY c.queue ORDER BY c.queue`.execute(this.db);
    const all = await sql<{ n: number; rating: number | null }>`
      SELECT count(*)::int AS n, avg(r.score)::float8 AS rating FROM chat_ratings r WHERE ${range}`.execute(this.db);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      overall: { ratings: all.rows[0].n, avgRating: roundRating(all.rows[0].rating) },
      agents: agents.rows.map((r) => ({ agentId: r.agent_id, agentName: r.agent_name, ratings: r.n, avgRating: roundRating(r.rating) })),
      queues: queues.rows.map((r) => ({ queue: r.queue, ratings: r.n, avgRating: roundRating(r.rating) })),
    };
  }

  /** The dashboard's current figures. */
  async snapshot(): Promise<DashboardSnapshot> {
    const now = this.clock.now();
    const at = now.toISOString();
    const queues = await sql<{ id: string; name: string; assignment_mode: AssignmentMode; length: number; longest: number | null }>`
      SELECT q.id, q.name, q.assignment_mode,
        count(c.id)::int AS length,
        max(EXTRACT(EPOCH FROM (${at}::timestamptz - c.created_at)))::float8 AS longest
      FROM desk_queues q LEFT JOIN chats c ON c.queue = q.id AND c.status = 'pending'
      GROUP BY q.id ORDER BY q.position`.execute(this.db);
    const dayStart = sql`date_trunc('day', ${at}::timestamptz AT TIME ZONE ${this.timezone}) AT TIME ZONE ${this.timezone}`;
    const perHour = await sql<{ hour: string; opened: number; closed: number }>`
      WITH hours AS (SELECT generate_series(date_trunc('hour', ${at}::timestamptz) - interval '11 hours', date_trunc('hour', ${at}::timestamptz), interval '1 hour') AS h)
      SELECT to_char(h AT TIME ZONE ${this.timezone}, 'HH24:00') AS hour,
        (SELECT count(*)::int FROM chats c WHERE c.created_at >= h AND c.created_at < h + interval '1 hour') AS opened,
        (SELECT count(*)::int FROM chats c WHERE c.closed_at >= h AND c.closed_at < h + interval '1 hour') AS closed
      FROM hours ORDER BY h`.execute(this.db);
    const today = await sql<{ handled: number; closed: number; first_response: number | null; handle: number | null; ratings: number; rating: number | null }>`
      SELECT count(*)::int AS handled,
        count(*) FILTER (WHERE c.status = 'closed')::int AS closed,
        avg(EXTRACT(EPOCH FROM (c.first_response_at - c.assigned_at)))::float8 AS first_response,
        avg(EXTRACT(EPOCH FROM (c.closed_at - c.assigned_at))) FILTER (WHERE c.status = 'closed')::float8 AS handle,
        count(r.score)::int AS ratings, avg(r.score)::float8 AS rating
      FROM chats c LEFT JOIN chat_ratings r ON r.chat_id = c.id WHERE c.assigned_at >= ${dayStart}`.execute(this.db);
    const t = today.rows[0];
    const perAgent = await sql<{ agent_id: string; agent_name: string; handled: number; closed: number; first_response: number | null; handle: number | null; ratings: number; rating: number | null }>`
      SELECT u.id AS agent_id, u.name AS agent_name,
        count(*)::int AS handled,
        count(*) FILTER (WHERE c.status = 'closed')::int AS closed,
        avg(EXTRACT(EPOCH FROM (c.first_response_at - c.assigned_at)))::float8 AS first_response,
        avg(EXTRACT(EPOCH FROM (c.closed_at - c.assigned_at))) FILTER (WHERE c.status = 'closed')::float8 AS handle,
        count(r.score)::int AS ratings, avg(r.score)::float8 AS rating
      FROM chats c JOIN users u ON u.id = c.customer_service_id LEFT JOIN chat_ratings r ON r.chat_id = c.id
      WHERE c.assigned_at >= ${dayStart}
      GROUP BY u.id, u.name ORDER BY u.name`.execute(this.db);
    const roster = await this.presence.roster();
    return {
      at,
      timezone: this.timezone,
      queues: queues.rows.map((q) => ({ id: q.id, name: q.name, length: q.length, longestWaitSeconds: Math.round(q.longest ?? 0), assignmentMode: q.assignment_mode })),
      agents: roster.map(({ skills: _skills, ...a }) => a),
      chatsPerHour: perHour.rows,
      today: {
        handled: t.handled,
        closed: t.closed,
        avgFirstResponseSeconds: t.first_response === null ? null : Math.round(t.first_response),
        avgHandleSeconds: t.handle === null ? null : Math.round(t.handle),
        ratings: t.ratings,
        avgRating: roundRating(t.rating),
        agents: perAgent.rows.map((r) => ({
          agentId: r.agent_id,
          agentName: r.agent_name,
          handled: r.handled,
          closed: r.closed,
          avgFirstResponseSeconds: r.first_response === null ? null : Math.round(r.first_response),
          avgHandleSeconds: r.handle === null ? null : Math.round(r.handle),
          ratings: r.ratings,
          avgRating: roundRating(r.rating),
        })),
      },
    };
  }
}

/** CSV of per-agent-day statistics. */
export function statsToCsv(rows: AgentDayStats[]): string {
  const head = ['day', 'agent_id', 'agent_name', 'handled', 'closed', 'avg_first_response_seconds', 'avg_handle_seconds', 'ratings', 'avg_rating'];
  return toCsv(head, rows.map((r) => [r.day, r.agentId, r.agentName, r.handled, r.closed, r.avgFirstResponseSeconds, r.avgHandleSeconds, r.ratings, r.avgRating]));
}
