/**
 * Automatic assignment (智能分配). Claims are atomic: the chat is taken with FOR UPDATE SKIP LOCKED
 * and the agent row is locked (SKIP LOCKED too, so two assigners never wait on each other) before
 * the load is counted, so no chat is assigned twice and no capacity is exceeded, on any number of
 * nodes. The most urgent, then oldest, backlog goes first.
 *
 * Masters first (法師值班): a chat in distress, and while masters are on duty (duty/duty.ts) a
 * Dharma-topic chat (a queue served by masters), is offered to masters alone until it has waited
 * the configured time, then to masters and agents (masters still first). With no master on shift
 * and online there is nobody to wait for, so agents may take it at once.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { ChatService } from '../chat/chat-service';
import { openLoad, type Transition } from '../chat/transitions';
import type { Clock } from '../core/clock';
import { urgencySql } from './priority';
import { onDutySql } from './schedule';

/** What the assignment needs to know of masters' duty (duty/duty.ts provides it). */
export interface MastersFirstPolicy {
  /** Whether the duty mode is on at `now` and how long masters-first chats wait for a master. */
  mode(now: Date): Promise<{ active: boolean; masterFirstMs: number }>;
  /** A masters-first chat will fall back to agents in `delayMs`: offer it again then. */
  fallbackDue(chatId: string, delayMs: number): void;
}

interface PendingChat {
  id: string;
  member_id: string;
  language: string | null;
  queue_id: string;
  skill: string | null;
  serving_role: 'agent' | 'master' | null;
  assignment_mode: string;
  last_assigned_user_id: string | null;
  distress: boolean;
  pending_since: Date | string;
}

interface Candidate {
  id: string;
  name: string;
  load: number;
  max_concurrent: number;
}

interface Claimed {
  chatId: string;
  agentId: string;
  taken: Transition;
}

export class AssignmentService {
  constructor(
    private readonly db: Db,
    private readonly chats: ChatService,
    private readonly clock: Clock,
    private readonly timezone: string,
    private readonly mastersFirst: MastersFirstPolicy | null = null,
    /** How long a chat waits for its skill or language before anyone available may take it. */
    private readonly skillFallbackMs: number = 120_000,
  ) {}

  /** Assigns as much of the backlog as the people on duty can take; returns how many chats. */
  async assignBacklog(maxRounds = 500): Promise<number> {
    let assigned = 0;
    const skipped = new Set<string>(); // chats nobody can take right now
    const duty = (await this.mastersFirst?.mode(this.clock.now())) ?? { active: false, masterFirstMs: 0 };
    for (let round = 0; round < maxRounds; round++) {
      const claimed = await this.withRetry(() => this.claimOne(skipped, duty));
      if (claimed === 'none') break;
      if (claimed === 'skip') continue;
      assigned++;
      const chat = await this.chats.afterChange(claimed.chatId, claimed.taken);
      if (claimed.taken.note) this.chats.publishNote(claimed.taken.note, chat, null);
    }
    return assigned;
  }

  /** One transaction: the most urgent pending chat that someone on duty can take. */
  private async claimOne(skipped: Set<string>, duty: { active: boolean; masterFirstMs: number }): Promise<Claimed | 'none' | 'skip'> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      let q = trx
        .selectFrom('chats as c')
        .innerJoin('desk_queues as q', 'q.id', 'c.queue')
        .select(['c.id', 'c.member_id', 'c.language', 'q.id as queue_id', 'q.skill', 'q.serving_role', 'q.assignment_mode', 'q.last_assigned_user_id', 'c.distress'])
        // Back in the queue (re-queued or transferred to it) counts as a new wait.
        .select(sql<Date>`GREATEST(c.created_at, (SELECT max(e.created_at) FROM domain_events e WHERE e.chat_id = c.id AND e.type IN ('chat.requeued', 'chat.transferred')))`.as('pending_since'))
        .where('c.status', '=', 'pending')
        .where('q.assignment_mode', '<>', 'off');
      if (skipped.size) q = q.where('c.id', 'not in', [...skipped]);
      const chat = await q
        .orderBy(urgencySql(now), 'desc')
        .orderBy('c.created_at')
        .limit(1)
        .forUpdate('c')
        .skipLocked()
        .executeTakeFirst();
      if (!chat) return 'none' as const;

      let ordered = await this.offerOrder(trx, now, chat, duty);
      // Nobody with the queue's skill or the chat's language: after the configured wait, anyone
      // available of the serving role may take it, and a private note tells staff why.
      let fallback: { skill: string | null; language: string | null; waitedSeconds: number } | null = null;
      const waitedMs = now.getTime() - new Date(chat.pending_since).getTime();
      if (ordered.length === 0 && (chat.skill !== null || chat.language !== null) && waitedMs >= this.skillFallbackMs) {
        const anyone = await this.candidates(trx, now, { language: null }, chat.serving_role ?? 'agent', null);
        ordered = await this.preferenceOrder(trx, chat, anyone);
        if (ordered.length) fallback = { skill: chat.skill, language: chat.language, waitedSeconds: Math.round(waitedMs / 1000) };
      }
      if (ordered.length === 0) {
        skipped.add(chat.id);
        return 'skip' as const;
      }
      for (const agent of ordered) {
        const locked = await trx.selectFrom('users').select(['id', 'max_concurrent']).where('id', '=', agent.id).forUpdate().skipLocked().executeTakeFirst();
        if (!locked) continue; // another assigner is placing a chat with them right now
        if ((await openLoad(trx, agent.id)) >= locked.max_concurrent) continue;
        // The same write as 接聽 (transitions.ts), in this claim's transaction.
        const taken = await this.chats.transitions.take(trx, chat.id, agent, 'auto', fallback);
        if (chat.assignment_mode === 'round_robin') {
          await trx.updateTable('desk_queues').set({ last_assigned_user_id: agent.id }).where('id', '=', chat.queue_id).execute();
        }
        return { chatId: chat.id, agentId: agent.id, taken };
      }
      skipped.add(chat.id);
      return 'skip' as const;
    });
  }

  /** Whom to offer the chat to, in order: by the queue's role, or masters first (file comment). */
  private async offerOrder(trx: Db, now: Date, chat: PendingChat, duty: { active: boolean; masterFirstMs: number }): Promise<Candidate[]> {
    const mastersFirst = chat.distress || (duty.active && chat.serving_role === 'master');
    if (!mastersFirst) return this.preferenceOrder(trx, chat, await this.candidates(trx, now, chat, chat.serving_role ?? 'agent', chat.skill));
    // Masters serve any topic: the queue's skill is asked of agents only.
    const masters = await this.candidates(trx, now, chat, 'master', null, true);
    const waited = now.getTime() - new Date(chat.pending_since).getTime();
    if (masters.length > 0 && waited < duty.masterFirstMs) {
      const free = masters.filter((m) => m.load < m.max_concurrent);
      if (free.length === 0) this.mastersFirst?.fallbackDue(chat.id, duty.masterFirstMs - waited);
      return this.preferenceOrder(trx, chat, free);
    }
    const agents = await this.candidates(trx, now, chat, 'agent', chat.skill);
    const free = masters.filter((m) => m.load < m.max_concurrent);
    return [...(await this.preferenceOrder(trx, chat, free)), ...(await this.preferenceOrder(trx, chat, agents))];
  }

  /**
   * People online, on duty, with the role, skill and the chat's language; under capacity unless
   * `includeFull` (masters-first asks whether any master is there at all).
   */
  private async candidates(trx: Db, now: Date, chat: { language: string | null }, role: string, skill: string | null, includeFull = false): Promise<Candidate[]> {
    const rows = await sql<Candidate>`
      SELECT u.id, u.name, u.max_concurrent,
        (SELECT count(*)::int FROM chats oc WHERE oc.customer_service_id = u.id AND oc.status = 'open') AS load
      FROM users u
      WHERE u.role = ${role}
        AND u.presence = 'online'
        AND ${onDutySql(now, this.timezone)}
        AND (${skill}::text IS NULL OR ${skill}::text = ANY(u.skills))
        AND (${chat.language}::text IS NULL OR ${chat.language}::text = ANY(u.languages))
      ORDER BY u.id`.execute(trx);
    return includeFull ? rows.rows : rows.rows.filter((r) => r.load < r.max_concurrent);
  }

  /** The member's last agent first (if eligible), then by the queue's mode. */
  private async preferenceOrder(
    trx: Db,
    chat: { id: string; member_id: string; assignment_mode: string; last_assigned_user_id: string | null },
    candidates: Candidate[],
  ): Promise<Candidate[]> {
    let ordered: Candidate[];
    if (chat.assignment_mode === 'round_robin') {
      const i = chat.last_assigned_user_id ? candidates.findIndex((c) => c.id > chat.last_assigned_user_id!) : 0;
      const start = i < 0 ? 0 : i;
      ordered = [...candidates.slice(start), ...candidates.slice(0, start)];
    } else {
      ordered = [...candidates].sort((a, b) => a.load / a.max_concurrent - b.load / b.max_concurrent || a.load - b.load || a.id.localeCompare(b.id));
    }
    const last = await trx
      .selectFrom('chats')
      .select('customer_service_id')
      .where('member_id', '=', chat.member_id)
      .where('id', '<>', chat.id)
      .where('customer_service_id', 'is not', null)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const previous = last?.customer_service_id ? ordered.find((c) => c.id === last.customer_service_id) : undefined;
    return previous ? [previous, ...ordered.filter((c) => c !== previous)] : ordered;
  }

  /** Retries a transaction that lost a deadlock or serialization race. */
  private async withRetry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (attempt >= 5 || (code !== '40P01' && code !== '40001')) throw err;
        await new Promise((r) => setTimeout(r, 5 * attempt));
      }
    }
  }
}
