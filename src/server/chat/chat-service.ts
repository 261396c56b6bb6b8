/**
 * Chats: create, list, read, accept (接聽), transfer, close. Every status change is written with a
 * system message in the same transaction and published after commit.
 */
import type { ChatDto, ChatStatus } from '../../shared/protocol';
import type { Db } from '../db/database';
import { systemClock, type Clock } from '../desk/clock';
import { urgencyAt } from '../desk/priority';
import { pendingPositions, WaitEstimator } from '../desk/queue';
import { AppError } from '../http/errors';
import type { User, UserDirectory } from '../identity/users';
import { assertVisible, canSee, isParticipant, oversees, serves } from './access';
import type { ChatEvents } from './chat-events';
import { writeBatch, type AppendItem, type AppendResult, type ChatFacts } from './message-store';

import { presentChat, type ChatRow } from './presenters';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when the string is a UUID (anything else cannot name a chat: not_found, not a 500). */
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID.test(s);

/** Chat facts cached per node and refreshed by chat.updated events, to keep sends off the chat row. */
export class ChatFactsCache {
  private readonly map = new Map<string, ChatFacts>();
  /** Remembers the latest facts of a chat. */
  set(id: string, facts: ChatFacts): void {
    if (this.map.size > 100_000) this.map.clear();
    this.map.set(id, facts);
  }
  /** The cached facts, if any. */
  get(id: string): ChatFacts | undefined {
    return this.map.get(id);
  }
}

export type ChatChange = 'created' | 'accepted' | 'transferred' | 'requeued' | 'closed';

export class ChatService {
  private readonly listeners: Array<(chat: ChatDto, change: ChatChange) => void> = [];
  readonly waits: WaitEstimator;

  constructor(
    private readonly db: Db,
    private readonly events: ChatEvents,
    private readonly users: UserDirectory,
    readonly facts: ChatFactsCache,
    readonly clock: Clock = systemClock,
  ) {
    this.waits = new WaitEstimator(db, clock);
  }

  /** Tells `listener` about every chat change made on this node (after commit). */
  onChange(listener: (chat: ChatDto, change: ChatChange) => void): void {
    this.listeners.push(listener);
  }

  /** Loads a chat row with member and assignee names, or null. */
  async row(chatId: string): Promise<ChatRow | null> {
    if (!isUuid(chatId)) return null;
    const row = await this.baseQuery().where('c.id', '=', chatId).executeTakeFirst();
    if (row) this.facts.set(row.id, factsOf(row));
    return (row as ChatRow | undefined) ?? null;
  }

  /** The facts needed for access checks, from the cache or the database. */
  async factsOf(chatId: string): Promise<ChatFacts | null> {
    if (!isUuid(chatId)) return null;
    const cached = this.facts.get(chatId);
    if (cached) return cached;
    const row = await this.db.selectFrom('chats').select(['member_id', 'customer_service_id', 'status']).where('id', '=', chatId).executeTakeFirst();
    if (!row) return null;
    const facts = factsOf(row);
    this.facts.set(chatId, facts);
    return facts;
  }

  /** Presents a chat, adding urgency, queue position and wait estimate while pending. */
  async present(row: ChatRow, positions?: Map<string, number>): Promise<ChatDto> {
    if (row.status !== 'pending') return presentChat(row);
    const now = this.clock.now();
    const position = (positions ?? (await pendingPositions(this.db, now))).get(row.id);
    return presentChat(row, {
      urgency: urgencyAt(row.base_urgency ?? 0, new Date(row.created_at), now, Boolean(row.distress)),
      ...(position !== undefined ? { queuePosition: position, waitEstimateSeconds: await this.waits.estimate(position) } : {}),
    });
  }

  /** A member opens a chat, or gets back the live one they already have. */
  async create(user: User, topic: string | null): Promise<{ chat: ChatDto; created: boolean }> {
    if (user.role !== 'member') throw new AppError('forbidden');
    const existing = await this.liveChatOf(user.id);
    if (existing) return { chat: await this.present(existing), created: false };
    try {
      const inserted = await this.db
        .insertInto('chats')
        .values({ member_id: user.id, topic, created_at: this.clock.now(), updated_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      const row = (await this.row(inserted.id))!;
      const chat = await this.present(row);
      this.events.chat(chat, { queueChanged: true });
      this.notify(chat, 'created');
      return { chat, created: true };
    } catch (err) {
      // Two devices of one member racing: the unique index lets one win; the other gets that chat.
      const live = await this.liveChatOf(user.id);
      if (live) return { chat: await this.present(live), created: false };
      throw err;
    }
  }

  /** The chats a user may see, newest first (the queue oldest first). */
  async list(user: User, status?: ChatStatus, limit = 200): Promise<ChatDto[]> {
    let q = this.baseQuery();
    if (status) q = q.where('c.status', '=', status);
    if (user.role === 'member') q = q.where('c.member_id', '=', user.id);
    else if (serves(user)) q = q.where((eb) => eb.or([eb('c.status', '=', 'pending'), eb('c.customer_service_id', '=', user.id)]));
    else if (!oversees(user)) return [];
    const rows = (await q.orderBy('c.created_at', status === 'pending' ? 'asc' : 'desc').limit(limit).execute()) as ChatRow[];
    const positions = rows.some((r) => r.status === 'pending') ? await pendingPositions(this.db, this.clock.now()) : new Map<string, number>();
    const chats = await Promise.all(rows.map((r) => this.present(r, positions)));
    // The queue is served by urgency, so list it that way.
    return status === 'pending' ? chats.sort((a, b) => (a.queuePosition ?? 1e9) - (b.queuePosition ?? 1e9)) : chats;
  }

  /**
   * Where each live chat whose messages reach this user stands now (its last seq): a connection
   * starts delivering after these. Without them, the first live frame of a chat set the starting
   * point, and an earlier message committed on another node and arriving a moment later (through
   * the bus) was taken for old and dropped.
   */
  async liveCursors(user: User): Promise<Array<[string, number]>> {
    let q = this.db.selectFrom('chats').select(['id', 'last_seq']).where('status', '<>', 'closed');
    // The message audience (audience.ts): the member, the assignee and everyone overseeing.
    if (!oversees(user)) q = q.where((eb) => eb.or([eb('member_id', '=', user.id), eb('customer_service_id', '=', user.id)]));
    return (await q.execute()).map((r) => [r.id, r.last_seq]);
  }

  /** One chat, if the user may see it. */
  async get(user: User, chatId: string): Promise<ChatDto> {
    return this.present(await this.visibleRow(user, chatId));
  }

  /** An agent or master takes a pending chat (接聽); atomic, so one chat is never held twice. */
  async accept(user: User, chatId: string): Promise<ChatDto> {
    const before = await this.row(chatId);
    if (!before) throw new AppError('not_found');
    const visibleBefore = canSee(user, toAccess(before));
    if (!serves(user)) {
      if (!visibleBefore) throw new AppError('not_found');
      throw new AppError('forbidden');
    }
    const outcome = await this.db.transaction().execute(async (trx) => {
      // Lock order everywhere: the chat, then the agent (the auto-assigner does the same).
      const chat = await trx.selectFrom('chats').select(['status']).where('id', '=', chatId).forUpdate().executeTakeFirst();
      if (chat?.status !== 'pending') return null;
      const agent = await trx.selectFrom('users').select(['max_concurrent']).where('id', '=', user.id).forUpdate().executeTakeFirstOrThrow();
      const load = await trx
        .selectFrom('chats')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('customer_service_id', '=', user.id)
        .where('status', '=', 'open')
        .executeTakeFirstOrThrow();
      if (Number(load.n) >= agent.max_concurrent) throw new AppError('conflict', { reason: 'at_capacity', capacity: agent.max_concurrent });
      await trx
        .updateTable('chats')
        .set({ status: 'open', customer_service_id: user.id, assigned_at: this.clock.now(), updated_at: new Date() })
        .where('id', '=', chatId)
        .execute();
      const [note] = await writeBatch(trx, [systemItem(chatId, `${user.name} 已接聽，為您服務。`)]);
      return note;
    });
    if (!outcome) {
      const now = (await this.row(chatId))!;
      if (now.customer_service_id === user.id && now.status === 'open') return this.present(now);
      if (now.status === 'closed') throw new AppError(canSee(user, toAccess(now)) ? 'chat_closed' : 'conflict');
      // The contract: 409 even though the caller can no longer see the chat.
      throw new AppError('conflict');
    }
    return this.afterChange(chatId, outcome, { previousAssigneeId: null, queueChanged: true }, 'accepted');
  }

  /** Hands a chat to another agent or master, or back to the queue, with a note the receiver sees. */
  async transfer(user: User, chatId: string, to: string, note: string | null): Promise<ChatDto> {
    const before = await this.visibleRow(user, chatId);
    if (!(before.customer_service_id === user.id || oversees(user))) throw new AppError('forbidden');
    if (before.status === 'closed') throw new AppError('chat_closed');
    let target: User | null = null;
    if (to !== 'queue') {
      target = isUuid(to) ? await this.users.byId(to) : null;
      if (!target || !serves(target)) throw new AppError('invalid', { field: 'to', reason: 'must be an agent or master id, or "queue"' });
    }
    const text = target
      ? `對話已由 ${user.name} 轉接給 ${target.name}${note ? `。備註：${note}` : ''}`
      : `對話已轉回排隊佇列${note ? `。備註：${note}` : ''}`;
    const outcome = await this.db.transaction().execute(async (trx) => {
      const locked = await trx.selectFrom('chats').select(['status']).where('id', '=', chatId).forUpdate().executeTakeFirstOrThrow();
      if (locked.status === 'closed') throw new AppError('chat_closed');
      await trx
        .updateTable('chats')
        .set(
          target
            ? { status: 'open', customer_service_id: target.id, assigned_at: this.clock.now(), updated_at: new Date() }
            : { status: 'pending', customer_service_id: null, assigned_at: null, updated_at: new Date() },
        )
        .where('id', '=', chatId)
        .execute();
      const [n] = await writeBatch(trx, [systemItem(chatId, text)]);
      return n;
    });
    return this.afterChange(chatId, outcome, { previousAssigneeId: before.customer_service_id, queueChanged: true }, target ? 'transferred' : 'requeued', note);
  }

  /** Closes a chat (participants and overseers); closing a closed chat returns it unchanged. */
  async close(user: User, chatId: string, reason?: string): Promise<ChatDto> {
    const before = await this.visibleRow(user, chatId);
    if (!(isParticipant(user, toAccess(before)) || oversees(user))) throw new AppError('forbidden');
    if (before.status === 'closed') return this.present(before);
    return this.closeAsSystem(chatId, reason ?? `對話已由 ${user.name} 結束。`);
  }

  /** Sends a chat back to the queue on behalf of the system (its agent dropped). */
  async requeueAsSystem(chatId: string, text: string): Promise<ChatDto | null> {
    const before = await this.row(chatId);
    if (!before || before.status !== 'open') return null;
    const outcome = await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('chats')
        .set({ status: 'pending', customer_service_id: null, assigned_at: null, updated_at: new Date() })
        .where('id', '=', chatId)
        .where('status', '=', 'open')
        .where('customer_service_id', '=', before.customer_service_id)
        .returning('id')
        .executeTakeFirst();
      if (!updated) return null;
      const [n] = await writeBatch(trx, [systemItem(chatId, text)]);
      return n;
    });
    if (!outcome) return null;
    return this.afterChange(chatId, outcome, { previousAssigneeId: before.customer_service_id, queueChanged: true }, 'requeued');
  }

  /** Sends the current state of a chat to everyone concerned (after the desk changed its queue data). */
  async republish(chatId: string): Promise<void> {
    const row = await this.row(chatId);
    if (row) this.events.chat(await this.present(row), { queueChanged: row.status === 'pending' });
  }

  /** Closes a chat on behalf of the system (inactivity, drains); no permission check. */
  async closeAsSystem(chatId: string, text: string): Promise<ChatDto> {
    const before = (await this.row(chatId))!;
    const outcome = await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('chats')
        .set({ status: 'closed', closed_at: this.clock.now(), updated_at: new Date() })
        .where('id', '=', chatId)
        .where('status', '<>', 'closed')
        .returning('id')
        .executeTakeFirst();
      if (!updated) return null;
      const [n] = await writeBatch(trx, [systemItem(chatId, text)]);
      return n;
    });
    if (!outcome) return this.present((await this.row(chatId))!);
    return this.afterChange(chatId, outcome, { previousAssigneeId: null, queueChanged: before.status === 'pending' }, 'closed');
  }

  /** Publishes the system note and the new chat state, then tells the queue it moved. */
  private async afterChange(
    chatId: string,
    outcome: Awaited<ReturnType<typeof writeBatch>>[number],
    opts: { previousAssigneeId: string | null; queueChanged: boolean },
    change: ChatChange,
    note?: string | null,
  ): Promise<ChatDto> {
    const row = (await this.row(chatId))!;
    const chat = await this.present(row);
    const withNote = note ? { ...chat, note } : chat;
    if (outcome.ok) this.events.message(outcome.result.message, factsOf(row));
    this.events.chat(withNote, opts);
    if (opts.queueChanged) void this.announceQueuePositions().catch(() => {});
    this.notify(withNote, change);
    return withNote;
  }

  /** Publishes a chat that the desk changed in its own transaction (auto-assignment, re-queue). */
  async publishChange(chatId: string, note: AppendResult | null, opts: { previousAssigneeId: string | null }, change: ChatChange): Promise<ChatDto> {
    return this.afterChange(chatId, note ? { ok: true, result: note } : { ok: false, error: null }, { ...opts, queueChanged: true }, change);
  }

  private notify(chat: ChatDto, change: ChatChange): void {
    for (const l of this.listeners) {
      try {
        l(chat, change);
      } catch {
        /* a listener's failure must not undo a committed change */
      }
    }
  }

  /** Sends every waiting member their new queue position and wait estimate. */
  async announceQueuePositions(): Promise<void> {
    const positions = await pendingPositions(this.db, this.clock.now());
    if (positions.size === 0) return;
    const rows = (await this.baseQuery().where('c.id', 'in', [...positions.keys()]).execute()) as ChatRow[];
    for (const row of rows) this.events.chatToMember(await this.present(row, positions));
  }

  /** The chat row if the user may see it; not_found otherwise. */
  private async visibleRow(user: User, chatId: string): Promise<ChatRow> {
    const row = await this.row(chatId);
    if (!row) throw new AppError('not_found');
    assertVisible(user, toAccess(row));
    return row;
  }

  private liveChatOf(memberId: string): Promise<ChatRow | undefined> {
    return this.baseQuery().where('c.member_id', '=', memberId).where('c.status', '<>', 'closed').executeTakeFirst() as Promise<ChatRow | undefined>;
  }

  private baseQuery() {
    return this.db
      .selectFrom('chats as c')
      .innerJoin('users as m', 'm.id', 'c.member_id')
      .leftJoin('users as a', 'a.id', 'c.customer_service_id')
      .select([
        'c.id', 'c.member_id', 'c.customer_service_id', 'c.status', 'c.topic', 'c.last_seq', 'c.created_at', 'c.closed_at',
        'm.name as member_name', 'a.name as assignee_name', 'm.tier as member_tier',
        'c.queue', 'c.base_urgency', 'c.distress', 'c.off_duty',
      ]);
  }
}

/** A system note for a chat (allowed in closed chats: it records the closing itself). */
export function systemItem(chatId: string, text: string): AppendItem {
  return { chatId, senderId: null, senderRole: 'system', senderName: '系統', kind: 'system', text, clientId: null, attachments: [], flags: [], requireOpen: false };
}

function factsOf(row: { member_id: string; customer_service_id: string | null; status: ChatStatus }): ChatFacts {
  return { memberId: row.member_id, assigneeId: row.customer_service_id, status: row.status };
}

function toAccess(row: ChatRow) {
  return { memberId: row.member_id, assigneeId: row.customer_service_id, status: row.status };
}

