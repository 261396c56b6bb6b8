/**
 * The only writer of a chat's lifecycle: open, accept (and the desk's automatic assignment, which
 * takes a chat through the same `take`), transfer, re-queue, close, routing to a queue, the
 * distress mark, urgency and the first-response stamp. Each command runs in one transaction that
 * changes the chat, stores its system line (with the next seq) and records its domain event(s)
 * in the outbox; callers publish the events after commit (ChatService.afterChange).
 */
import type { CloseReason, RequeueReason } from '../../shared/domain-events';
import type { NoteDto } from '../../shared/frames';
import { systemLine } from '../../shared/system-lines';
import type { Db } from '../db/database';
import type { Clock } from '../core/clock';
import { newEvent, recordEvents, type NewEvent, type RecordedEvent } from '../events/outbox';
import { AppError } from '../core/errors';
import { writeBatch, type AppendItem, type AppendResult } from './message-store';

/** What a command changed: its events (to publish after commit) and its system line, if any. */
export interface Transition {
  events: RecordedEvent[];
  line: AppendResult | null;
  /** A private note written with the change (a transfer's note). */
  note?: NoteDto;
}

/** Why an automatic assignment ignored the queue's skill or the chat's language. */
export interface SkillFallback {
  skill: string | null;
  language: string | null;
  waitedSeconds: number;
}

/** The staff note of a fallback assignment (zh-TW, as staff notes are written). */
function fallbackNote(f: SkillFallback, agent: string): string {
  const need = [f.skill ? `技能「${f.skill}」` : null, f.language ? `語言「${f.language}」` : null].filter(Boolean).join('、');
  return `自動分配：等候 ${Math.ceil(f.waitedSeconds / 60)} 分鐘仍無具備${need}的服務人員可接，已改由 ${agent} 接手。`;
}

/** Someone acting on a chat, by id and display name. */
export interface Actor {
  id: string;
  name: string;
}

/** A system line's words: a coded line (rendered in each reader's locale) or free text (a person's own words). */
export type LineInput = string | CodedLine;
/** A coded system line with its zh-TW text. */
export type CodedLine = ReturnType<typeof systemLine>;

/**
 * The system lines of the lifecycle: each carries its code and parameters, and its zh-TW text
 * (src/shared/system-lines.ts holds the templates of every locale).
 */
export const LINES = {
  assigned: (agent: string) => systemLine('chat.assigned', { agent }),
  transferred: (from: string, to: string) => systemLine('chat.transferred', { from, to }),
  requeued: () => systemLine('chat.requeued', {}),
  closedBy: (by: string) => systemLine('chat.closed', { by }),
  agentOffline: () => systemLine('chat.agent_offline', {}),
  inactive: () => systemLine('chat.inactive', {}),
} as const;

export class ChatTransitions {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** A member opens a chat (the unique index on live chats refuses a second one). */
  async open(memberId: string, topic: string | null): Promise<{ chatId: string; events: RecordedEvent[] }> {
    return this.db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('chats')
        .values({ member_id: memberId, topic, created_at: this.clock.now(), updated_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      const events = await recordEvents(trx, [newEvent('chat.created', { chatId: id, memberId, topic })]);
      return { chatId: id, events };
    });
  }

  /**
   * An agent or master takes a pending chat (接聽). Atomic: the chat, then the agent, are locked
   * (the assigner locks in the same order), so a chat is never held twice and capacity holds.
   * Null when the chat is no longer pending.
   */
  async accept(agent: Actor, chatId: string): Promise<Transition | null> {
    return this.db.transaction().execute(async (trx) => {
      const chat = await trx.selectFrom('chats').select(['status']).where('id', '=', chatId).forUpdate().executeTakeFirst();
      if (chat?.status !== 'pending') return null;
      const row = await trx.selectFrom('users').select(['max_concurrent']).where('id', '=', agent.id).forUpdate().executeTakeFirstOrThrow();
      const load = await openLoad(trx, agent.id);
      if (load >= row.max_concurrent) throw new AppError('conflict', { reason: 'at_capacity', capacity: row.max_concurrent });
      return this.take(trx, chatId, agent, 'accept');
    });
  }

  /**
   * The write of taking a chat, inside the caller's transaction; the caller holds the chat's lock
   * and has checked the agent's capacity (accept above, or the desk's assigner).
   */
  async take(trx: Db, chatId: string, agent: Actor, mode: 'accept' | 'auto', fallback: SkillFallback | null = null): Promise<Transition> {
    const updated = await trx
      .updateTable('chats')
      .set({ status: 'open', customer_service_id: agent.id, assigned_at: this.clock.now(), updated_at: new Date() })
      .where('id', '=', chatId)
      .returning(['member_id'])
      .executeTakeFirstOrThrow();
    const line = await storeLine(trx, chatId, LINES.assigned(agent.name));
    const pending: NewEvent[] = [newEvent('chat.assigned', { chatId, memberId: updated.member_id, assigneeId: agent.id, mode, ...(fallback ? { fallback: true } : {}) })];
    // Why the desk gave the chat to someone without the skill: a private note for staff.
    const note = fallback ? await insertNote(trx, chatId, { id: null, name: '系統' }, fallbackNote(fallback, agent.name)) : undefined;
    if (note) pending.push(newEvent('note.created', { chatId, noteId: note.id, authorId: null }));
    return { events: await recordEvents(trx, pending), line, ...(note ? { note } : {}) };
  }

  /**
   * Hands a chat to another agent or master, or back to the queue (`to` null). The note is a
   * private note for staff: it is never part of the system line the member reads.
   */
  async transfer(by: Actor, chatId: string, to: Actor | null, note: string | null): Promise<Transition> {
    return this.db.transaction().execute(async (trx) => {
      const locked = await trx.selectFrom('chats').select(['status', 'member_id', 'customer_service_id']).where('id', '=', chatId).forUpdate().executeTakeFirstOrThrow();
      if (locked.status === 'closed') throw new AppError('chat_closed');
      await trx
        .updateTable('chats')
        .set(
          to
            ? { status: 'open', customer_service_id: to.id, assigned_at: this.clock.now(), updated_at: new Date() }
            : { status: 'pending', customer_service_id: null, assigned_at: null, updated_at: new Date() },
        )
        .where('id', '=', chatId)
        .execute();
      const line = await storeLine(trx, chatId, to ? LINES.transferred(by.name, to.name) : LINES.requeued());
      const written = note ? await insertNote(trx, chatId, by, note) : undefined;
      const pending: NewEvent[] = [
        newEvent('chat.transferred', { chatId, memberId: locked.member_id, fromAssigneeId: locked.customer_service_id, toAssigneeId: to?.id ?? null, byUserId: by.id, noteId: written?.id ?? null }),
      ];
      if (written) pending.push(newEvent('note.created', { chatId, noteId: written.id, authorId: by.id }));
      return { events: await recordEvents(trx, pending), line, ...(written ? { note: written } : {}) };
    });
  }

  /** Staff set a chat's labels (whole list); the event names who, never the labels. */
  async setLabels(by: Actor, chatId: string, labels: string[]): Promise<RecordedEvent[]> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.updateTable('chats').set({ labels }).where('id', '=', chatId).returning(['member_id']).executeTakeFirst();
      if (!row) throw new AppError('not_found');
      return recordEvents(trx, [newEvent('chat.labeled', { chatId, memberId: row.member_id, byUserId: by.id })]);
    });
  }

  /** Staff write a private note on a chat. */
  async addNote(by: Actor, chatId: string, text: string): Promise<{ note: NoteDto; events: RecordedEvent[] }> {
    return this.db.transaction().execute(async (trx) => {
      const note = await insertNote(trx, chatId, by, text);
      return { note, events: await recordEvents(trx, [newEvent('note.created', { chatId, noteId: note.id, authorId: by.id })]) };
    });
  }

  /** Sends an open chat back to the queue, if `assigneeId` still holds it. */
  async requeue(chatId: string, assigneeId: string | null, reason: RequeueReason, text: LineInput): Promise<Transition | null> {
    return this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('chats')
        .set({ status: 'pending', customer_service_id: null, assigned_at: null, updated_at: new Date() })
        .where('id', '=', chatId)
        .where('status', '=', 'open')
        .where('customer_service_id', '=', assigneeId)
        .returning(['member_id'])
        .executeTakeFirst();
      if (!updated) return null;
      const line = await storeLine(trx, chatId, text);
      const events = await recordEvents(trx, [newEvent('chat.requeued', { chatId, memberId: updated.member_id, previousAssigneeId: assigneeId, reason })]);
      return { events, line };
    });
  }

  /** Closes a chat that is not closed yet; null when it already was. */
  async close(chatId: string, by: Actor | null, reason: CloseReason, text: LineInput): Promise<Transition | null> {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('chats').select(['status', 'member_id', 'customer_service_id']).where('id', '=', chatId).forUpdate().executeTakeFirst();
      if (!before || before.status === 'closed') return null;
      await trx.updateTable('chats').set({ status: 'closed', closed_at: this.clock.now(), updated_at: new Date() }).where('id', '=', chatId).execute();
      const line = await storeLine(trx, chatId, text);
      const events = await recordEvents(trx, [
        newEvent('chat.closed', { chatId, memberId: before.member_id, assigneeId: before.customer_service_id, byUserId: by?.id ?? null, reason }),
      ]);
      return { events, line };
    });
  }

  /** The desk placed a waiting chat in a queue (and says whether anyone who serves it is on duty). */
  async route(chatId: string, queue: string, offDuty?: boolean): Promise<RecordedEvent[]> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('chats')
        .set(offDuty === undefined ? { queue } : { queue, off_duty: offDuty })
        .where('id', '=', chatId)
        .returning(['member_id', 'off_duty'])
        .executeTakeFirst();
      if (!row) return [];
      return recordEvents(trx, [newEvent('chat.queued', { chatId, memberId: row.member_id, queue, offDuty: row.off_duty })]);
    });
  }

  /**
   * Marks the chat as in distress and raises it to the top of the queue. Only the first mark is a
   * change (`first`); claiming it atomically decides which message gets the caring reply.
   */
  async raiseDistress(chatId: string, messageId: string | null): Promise<{ first: boolean; events: RecordedEvent[] }> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('chats')
        .set({ distress: true, base_urgency: 1 })
        .where('id', '=', chatId)
        .where('distress', '=', false)
        .returning(['member_id'])
        .executeTakeFirst();
      if (!row) return { first: false, events: [] };
      return { first: true, events: await recordEvents(trx, [newEvent('distress.raised', { chatId, memberId: row.member_id, messageId })]) };
    });
  }

  /** Stores the urgency the desk computed (an ordering value of the queue, not a state change). */
  async setUrgency(chatId: string, baseUrgency: number): Promise<void> {
    await this.db.updateTable('chats').set({ base_urgency: baseUrgency }).where('id', '=', chatId).execute();
  }

  /** Stamps the first staff answer of a chat; true the first time. */
  async stampFirstResponse(chatId: string): Promise<boolean> {
    const r = await this.db.updateTable('chats').set({ first_response_at: this.clock.now() }).where('id', '=', chatId).where('first_response_at', 'is', null).executeTakeFirst();
    return Boolean(r.numUpdatedRows);
  }
}

/** Open chats an agent holds now. */
export async function openLoad(trx: Db, agentId: string): Promise<number> {
  const r = await trx
    .selectFrom('chats')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('customer_service_id', '=', agentId)
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A system line for a chat (allowed in closed chats: it records the closing itself). */
export function systemItem(chatId: string, words: LineInput): AppendItem {
  const item: AppendItem = { chatId, senderId: null, senderRole: 'system', senderName: '系統', kind: 'system', text: '', clientId: null, attachments: [], flags: [], requireOpen: false };
  if (typeof words === 'string') return { ...item, text: words };
  const { text, ...line } = words;
  return { ...item, text, line };
}

async function storeLine(trx: Db, chatId: string, words: LineInput): Promise<AppendResult | null> {
  const [outcome] = await writeBatch(trx as Parameters<typeof writeBatch>[0], [systemItem(chatId, words)]);
  return outcome.ok ? outcome.result : null;
}

async function insertNote(trx: Db, chatId: string, by: { id: string | null; name: string }, text: string): Promise<NoteDto> {
  const row = await trx
    .insertInto('chat_notes')
    .values({ chat_id: chatId, author_id: by.id, author_name: by.name, text })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
  return { id: row.id, chatId, authorId: by.id, authorName: by.name, text, createdAt: new Date(row.created_at).toISOString() };
}
