/**
 * Chats: create, list, read, accept (接聽), transfer, close, private notes. Access is checked
 * here; each change is a command of transitions.ts (one transaction with its system line and
 * domain events), published after commit through the event hub.
 */
import type { ChatDto, ChatStatus } from '../../shared/protocol';
import type { Db } from '../db/database';
import { systemClock, type Clock } from '../core/clock';
import { urgencyAt } from '../desk/priority';
import { pendingPositions, WaitEstimator } from '../desk/queue';
import { AppError } from '../core/errors';
import type { User, UserDirectory } from '../identity/users';
import { assertVisible, canSee, isParticipant, oversees, serves } from './access';
import type { NoteDto } from '../../shared/frames';
import { isUuid } from '../core/ids';
import { NO_FAULTS, type Faults } from '../core/faults';
import type { EventHub, Listener } from '../events/hub';
import type { ChatEvents } from './chat-events';
import type { ChatFacts } from './message-store';
import type { ReactionContext } from './pipeline-types';
import { ChatTransitions, LINES, type LineInput, type Transition } from './transitions';

import { presentChat, type ChatRow } from './presenters';



/** Chat facts cached per node and refreshed by the lifecycle events (factsCacheListener), to keep sends off the chat row. */
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

/** Every node keeps its access facts current from the events, whichever node changed the chat. */
export function factsCacheListener(facts: ChatFactsCache): Listener {
  const remember = (_event: unknown, chat: ChatDto | null) => {
    if (chat) facts.set(chat.id, { memberId: chat.memberId, assigneeId: chat.assigneeId, status: chat.status });
  };
  return {
    name: 'chat.facts-cache',
    scope: 'every-node',
    on: { 'chat.created': remember, 'chat.assigned': remember, 'chat.transferred': remember, 'chat.requeued': remember, 'chat.closed': remember },
  };
}

export class ChatService {
  readonly waits: WaitEstimator;
  readonly transitions: ChatTransitions;
  private announcing: Promise<void> | null = null;
  private announceAgain = false;
  /** Lets the system lines of lifecycle changes reach the message listeners (set by the pipeline). */
  replies: ReactionContext = { postMessage: () => Promise.reject(new Error('no message pipeline')) };

  constructor(
    private readonly db: Db,
    private readonly events: ChatEvents,
    private readonly users: UserDirectory,
    readonly facts: ChatFactsCache,
    private readonly hub: EventHub,
    readonly clock: Clock = systemClock,
    private readonly faults: Faults = NO_FAULTS,
  ) {
    this.waits = new WaitEstimator(db, clock);
    this.transitions = new ChatTransitions(db, clock);
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
      ...(position !== undefined ? await this.waitOf(position, row.queue ?? null) : {}),
    });
  }

  /** Queue position and wait estimate; when nobody who serves the queue is online, no number but `nobodyAvailable`. */
  private async waitOf(position: number, queue: string | null): Promise<Partial<ChatDto>> {
    const seconds = await this.waits.estimate(position, queue);
    return seconds === null ? { queuePosition: position, waitEstimateSeconds: null, nobodyAvailable: true } : { queuePosition: position, waitEstimateSeconds: seconds };
  }

  /** A member opens a chat, or gets back the live one they already have. */
  async create(user: User, topic: string | null): Promise<{ chat: ChatDto; created: boolean }> {
    if (user.role !== 'member') throw new AppError('forbidden');
    const existing = await this.liveChatOf(user.id);
    if (existing) return { chat: await this.present(existing), created: false };
    try {
      const { chatId, events } = await this.transitions.open(user.id, topic);
      this.faults.afterCommit(topic);
      const chat = await this.present((await this.row(chatId))!);
      void this.hub.committed(events, chat);
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
   * starts delivering after these, not at its first live frame, so an earlier message committed
   * on another node and arriving a moment later (through the bus) is delivered, not dropped.
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
    const outcome = await this.transitions.accept(user, chatId);
    if (!outcome) {
      const now = (await this.row(chatId))!;
      if (now.customer_service_id === user.id && now.status === 'open') return this.present(now);
      if (now.status === 'closed') throw new AppError(canSee(user, toAccess(now)) ? 'chat_closed' : 'conflict');
      // The contract: 409 even though the caller can no longer see the chat.
      throw new AppError('conflict');
    }
    return this.afterChange(chatId, outcome);
  }

  /**
   * Hands a chat to another agent or master, or back to the queue. The note is a private note:
   * staff see it (the chat frame's `note` and a `note` frame); the member never does.
   */
  async transfer(user: User, chatId: string, to: string, note: string | null): Promise<ChatDto> {
    const before = await this.visibleRow(user, chatId);
    if (!(before.customer_service_id === user.id || oversees(user))) throw new AppError('forbidden');
    if (before.status === 'closed') throw new AppError('chat_closed');
    let target: User | null = null;
    if (to !== 'queue') {
      target = isUuid(to) ? await this.users.byId(to) : null;
      if (!target || !serves(target)) throw new AppError('invalid', { field: 'to', reason: 'must be an agent or master id, or "queue"' });
    }
    const outcome = await this.transitions.transfer(user, chatId, target, note);
    const chat = await this.afterChange(chatId, outcome, note);
    if (outcome.note) this.publishNote(outcome.note, chat, before.customer_service_id);
    return chat;
  }

  /** Closes a chat (participants and overseers); closing a closed chat returns it unchanged. */
  async close(user: User, chatId: string, reason?: string): Promise<ChatDto> {
    const before = await this.visibleRow(user, chatId);
    if (!(isParticipant(user, toAccess(before)) || oversees(user))) throw new AppError('forbidden');
    if (before.status === 'closed') return this.present(before);
    const outcome = await this.transitions.close(chatId, user, 'user', reason ?? LINES.closedBy(user.name));
    return outcome ? this.afterChange(chatId, outcome) : this.present((await this.row(chatId))!);
  }

  /** Sends a chat back to the queue on behalf of the system (its agent dropped). */
  async requeueAsSystem(chatId: string, text: LineInput = LINES.agentOffline()): Promise<ChatDto | null> {
    const before = await this.row(chatId);
    if (!before || before.status !== 'open') return null;
    const outcome = await this.transitions.requeue(chatId, before.customer_service_id, 'agent_offline', text);
    return outcome ? this.afterChange(chatId, outcome) : null;
  }

  /** Closes a chat on behalf of the system (inactivity, drains); no permission check. */
  async closeAsSystem(chatId: string, text: LineInput, reason: 'inactive' | 'system' = 'system'): Promise<ChatDto> {
    const outcome = await this.transitions.close(chatId, null, reason, text);
    if (!outcome) return this.present((await this.row(chatId))!);
    return this.afterChange(chatId, outcome);
  }

  /** Staff who may see a chat write a private note; staff connections receive it at once. */
  async addNote(user: User, chatId: string, text: string): Promise<NoteDto> {
    if (user.role === 'member') throw new AppError('not_found');
    const before = await this.visibleRow(user, chatId);
    const { note, events } = await this.transitions.addNote(user, chatId, text);
    this.publishNote(note, await this.present(before), null);
    void this.hub.committed(events, null);
    return note;
  }

  /**
   * Staff who may see a chat set its labels (trimmed, each once, in the order given); members get
   * not_found, as labels are staff notes about them. Staff connections see the new chat object.
   */
  async setLabels(user: User, chatId: string, labels: string[]): Promise<ChatDto> {
    if (user.role === 'member') throw new AppError('not_found');
    await this.visibleRow(user, chatId);
    const clean = [...new Set(labels.map((l) => l.trim().normalize('NFC')).filter((l) => l !== ''))];
    const events = await this.transitions.setLabels(user, chatId, clean);
    const chat = await this.present((await this.row(chatId))!);
    void this.hub.committed(events, chat);
    return chat;
  }

  /** The private notes of a chat, oldest first (staff who may see it; members get not_found). */
  async notes(user: User, chatId: string): Promise<NoteDto[]> {
    if (user.role === 'member') throw new AppError('not_found');
    await this.visibleRow(user, chatId);
    const rows = await this.db.selectFrom('chat_notes').selectAll().where('chat_id', '=', chatId).orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, chatId: r.chat_id, authorId: r.author_id, authorName: r.author_name, text: r.text, createdAt: new Date(r.created_at).toISOString() }));
  }

  /**
   * After a committed transition: the system line is delivered, then the events are published
   * with the chat as it is now (delivery and the once-listeners take it from there).
   */
  async afterChange(chatId: string, outcome: Transition, note?: string | null): Promise<ChatDto> {
    const row = (await this.row(chatId))!;
    const chat = await this.present(row);
    const withNote = note ? { ...chat, note } : chat;
    if (outcome.line) this.events.message(outcome.line.message, factsOf(row), this.replies);
    void this.hub.committed(outcome.events, withNote);
    return withNote;
  }

  /** Publishes events a desk or Dharma command committed, with the chat as it is now. */
  async publish(chatId: string, events: Transition['events']): Promise<void> {
    if (events.length === 0) return;
    const row = await this.row(chatId);
    void this.hub.committed(events, row ? await this.present(row) : null);
  }

  /** A note reaches staff only: the assignee (and the one before), overseers, and while the chat waits, those who may take it. */
  publishNote(note: NoteDto, chat: ChatDto, previousAssigneeId: string | null): void {
    const roles: Array<'supervisor' | 'admin' | 'agent' | 'master'> = ['supervisor', 'admin'];
    if (chat.status === 'pending') roles.push('agent', 'master');
    const userIds = [chat.assigneeId, previousAssigneeId].filter((id): id is string => Boolean(id));
    this.hub.signal({ userIds, roles }, { type: 'note', note });
  }

  /**
   * Sends every waiting member their new queue position and wait estimate. Calls while one runs
   * share one more run after it: a burst of queue changes costs two passes over the queue, not one
   * per change, and every caller still hears positions computed after its change.
   */
  announceQueuePositions(): Promise<void> {
    if (this.announcing) {
      this.announceAgain = true;
      return this.announcing;
    }
    this.announcing = (async () => {
      do {
        this.announceAgain = false;
        await this.announceOnce();
      } while (this.announceAgain);
    })().finally(() => {
      this.announcing = null;
    });
    return this.announcing;
  }

  private async announceOnce(): Promise<void> {
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
        'c.queue', 'c.base_urgency', 'c.distress', 'c.off_duty', 'c.labels',
      ]);
  }
}

function factsOf(row: { member_id: string; customer_service_id: string | null; status: ChatStatus }): ChatFacts {
  return { memberId: row.member_id, assigneeId: row.customer_service_id, status: row.status };
}

function toAccess(row: ChatRow) {
  return { memberId: row.member_id, assigneeId: row.customer_service_id, status: row.status };
}

