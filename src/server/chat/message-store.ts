/**
 * Durable message writes with group commit: messages that arrive while the previous batch is
 * being written, from any number of senders and chats, are written together in one transaction
 * (`writeBatch`, also used for system notes inside other transactions). Seq numbers come from the
 * chat row, locked FOR UPDATE, so they are gap-free under concurrent writers on any node.
 */
import { sql, type Transaction } from 'kysely';
import type { Db, PreparedRunner } from '../db/database';
import type { Database } from '../db/schema';
import { AppError } from '../core/errors';
import type { AppendItem, AppendResult, ChatFacts, Outcome } from './append-types';
import { storedResult, unsendableFiles, writeBatchAtOnce } from './batch-statement';
import { presentMessage } from './presenters';

export type { AppendItem, AppendResult, ChatFacts, Outcome } from './append-types';

type Trx = Transaction<Database>;

interface Pending {
  item: AppendItem;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

const MAX_BATCH = 500;

/**
 * Writes a batch inside an open transaction: locks the chats (sorted, so concurrent batches
 * never deadlock), returns originals for resent client ids, numbers the rest, inserts them and
 * binds the attachments they send to their chats (locked after the chats, in id order).
 */
export async function writeBatch(trx: Trx, items: AppendItem[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(items.length);
  const chatIds = [...new Set(items.map((i) => i.chatId))].sort();
  const locked = await sql<{ id: string; last_seq: number; status: ChatFacts['status']; member_id: string; customer_service_id: string | null }>`
    SELECT id, last_seq, status, member_id, customer_service_id FROM chats
    WHERE id = ANY(${chatIds}::uuid[]) ORDER BY id FOR UPDATE`.execute(trx);
  const chats = new Map(locked.rows.map((r) => [r.id, r]));

  // Resent client ids: find originals already committed (the lock above orders us after any
  // concurrent writer of the same chat, so what it committed is visible now).
  const keyOf = (chatId: string, senderId: string | null, clientId: string) => `${chatId}|${senderId}|${clientId}`;
  const withClientId = items.filter((i) => i.clientId !== null && i.senderId !== null);
  const originals = new Map<string, AppendResult['message']>();
  if (withClientId.length) {
    const found = await sql<{
      id: string; chat_id: string; seq: number; sender_id: string; sender_role: string; kind: 'text'; content: string;
      client_id: string; attachments: unknown; flags: unknown; created_at: Date; sender_name: string | null;
    }>`
      SELECT m.id, m.chat_id, m.seq, m.sender_id, m.sender_role, m.kind, m.content, m.client_id, m.attachments, m.flags, m.created_at, u.name AS sender_name
      FROM messages m
      JOIN unnest(${withClientId.map((i) => i.chatId)}::uuid[], ${withClientId.map((i) => i.senderId)}::uuid[], ${withClientId.map((i) => i.clientId)}::text[])
        AS k(chat_id, sender_id, client_id)
        ON m.chat_id = k.chat_id AND m.sender_id = k.sender_id AND m.client_id = k.client_id
      LEFT JOIN users u ON u.id = m.sender_id`.execute(trx);
    for (const row of found.rows) originals.set(keyOf(row.chat_id, row.sender_id, row.client_id), presentMessage(row));
  }

  // The files sent, as last committed: a message may send only its sender's own stored uploads
  // that are unsent or already in its chat. A file the batch binds is in its chat from then on.
  const fileIds = [...new Set(items.flatMap((i) => i.attachments.map((a) => a.id)))].sort();
  const files = new Map<string, { owner_id: string; chat_id: string | null; stored: boolean }>();
  if (fileIds.length) {
    const rows = await sql<{ id: string; owner_id: string; chat_id: string | null; stored: boolean }>`
      SELECT id, owner_id, chat_id, stored FROM attachments WHERE id = ANY(${fileIds}::uuid[]) ORDER BY id FOR UPDATE`.execute(trx);
    for (const row of rows.rows) files.set(row.id, row);
  }
  const toBind = new Map<string, string>(); // file id → chat id

  const nextSeq = new Map<string, number>();
  const toInsert: Array<{ index: number; item: AppendItem; seq: number }> = [];
  const inBatch = new Map<string, number>(); // client key → index of its first occurrence
  items.forEach((item, index) => {
    const chat = chats.get(item.chatId);
    if (!chat) {
      outcomes[index] = { ok: false, error: new AppError('not_found') };
      return;
    }
    const facts: ChatFacts = { memberId: chat.member_id, assigneeId: chat.customer_service_id, status: chat.status };
    if (item.clientId !== null) {
      const key = keyOf(item.chatId, item.senderId, item.clientId);
      const original = originals.get(key);
      if (original) {
        outcomes[index] = { ok: true, result: { message: original, duplicate: true, chat: facts } };
        return;
      }
      if (inBatch.has(key)) return; // resolved below from its first occurrence
      inBatch.set(key, index);
    }
    // Re-checked under the lock: the sender's view of the chat may be a moment old.
    if (item.kind === 'text' && item.senderId !== chat.member_id && item.senderId !== chat.customer_service_id) {
      outcomes[index] = { ok: false, error: new AppError('forbidden') };
      return;
    }
    if (item.requireOpen && chat.status === 'closed') {
      outcomes[index] = { ok: false, error: new AppError('chat_closed') };
      return;
    }
    if (item.attachments.length) {
      const refused = item.attachments
        .map((a) => a.id)
        .filter((id) => {
          const file = files.get(id);
          return !file || file.owner_id !== item.senderId || !file.stored || (file.chat_id !== null && file.chat_id !== item.chatId);
        });
      if (refused.length) {
        outcomes[index] = { ok: false, error: unsendableFiles(refused) };
        return;
      }
      for (const a of item.attachments) {
        const file = files.get(a.id)!;
        if (file.chat_id === null) toBind.set(a.id, item.chatId);
        file.chat_id = item.chatId;
      }
    }
    const seq = (nextSeq.get(item.chatId) ?? chat.last_seq) + 1;
    nextSeq.set(item.chatId, seq);
    toInsert.push({ index, item, seq });
  });

  if (toInsert.length) {
    // One statement inserts the messages and moves the chats' last seq: one array per column, so
    // its size does not grow with the batch, and one round trip instead of two.
    const column = <T>(pick: (row: (typeof toInsert)[number]) => T) => toInsert.map(pick);
    const ids = [...nextSeq.keys()];
    const inserted = await sql<{ id: string; chat_id: string; seq: number; created_at: Date }>`
      WITH inserted AS (
        INSERT INTO messages (chat_id, seq, sender_id, sender_role, kind, content, client_id, attachments, flags, code, params)
        SELECT chat_id, seq, sender_id, sender_role, kind, content, client_id, attachments::jsonb, flags::jsonb, code, params::jsonb
        FROM unnest(
          ${column((r) => r.item.chatId)}::uuid[], ${column((r) => r.seq)}::int[], ${column((r) => r.item.senderId)}::uuid[],
          ${column((r) => r.item.senderRole)}::text[], ${column((r) => r.item.kind)}::text[], ${column((r) => r.item.text)}::text[],
          ${column((r) => r.item.clientId)}::text[], ${column((r) => JSON.stringify(r.item.attachments))}::text[],
          ${column((r) => JSON.stringify(r.item.flags))}::text[], ${column((r) => r.item.line?.code ?? null)}::text[],
          ${column((r) => (r.item.line ? JSON.stringify(r.item.line.params) : null))}::text[]
        ) AS v(chat_id, seq, sender_id, sender_role, kind, content, client_id, attachments, flags, code, params)
        ON CONFLICT (chat_id, sender_id, client_id) WHERE client_id IS NOT NULL DO NOTHING
        RETURNING id, chat_id, seq, created_at
      ), moved AS (
        UPDATE chats AS c SET last_seq = v.last_seq, updated_at = now()
        FROM unnest(${ids}::uuid[], ${ids.map((id) => nextSeq.get(id)!)}::int[]) AS v(id, last_seq)
        WHERE c.id = v.id
      )
      SELECT * FROM inserted`.execute(trx);
    // A resend another node committed after the look-up: its seq would be a gap. The batch fails
    // and its messages are written again one by one, which finds the original.
    if (inserted.rows.length !== toInsert.length) throw new Error('a resend was committed concurrently');
    // RETURNING promises no order: rows are matched back by (chat, seq).
    const stored = new Map(inserted.rows.map((r) => [`${r.chat_id}|${r.seq}`, r]));
    for (const { index, item, seq } of toInsert) {
      const chat = chats.get(item.chatId)!;
      const row = stored.get(`${item.chatId}|${seq}`)!;
      outcomes[index] = {
        ok: true,
        result: storedResult(item, { memberId: chat.member_id, assigneeId: chat.customer_service_id, status: chat.status }, row.id, seq, row.created_at),
      };
    }
  }
  if (toBind.size) {
    const bind = [...toBind];
    await sql`
      UPDATE attachments AS f SET chat_id = v.chat_id
      FROM unnest(${bind.map(([id]) => id)}::uuid[], ${bind.map(([, chatId]) => chatId)}::uuid[]) AS v(id, chat_id)
      WHERE f.id = v.id`.execute(trx);
  }
  // Duplicates inside one batch share the first occurrence's outcome, marked as duplicates.
  items.forEach((item, index) => {
    if (outcomes[index] || item.clientId === null) return;
    const first = outcomes[inBatch.get(keyOf(item.chatId, item.senderId, item.clientId))!];
    outcomes[index] = first.ok ? { ok: true, result: { ...first.result, duplicate: true } } : first;
  });
  return outcomes;
}

/** Queues appends and commits them in groups; each caller's promise settles after commit. */
export class MessageStore {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private drained: Array<() => void> = [];
  /** Batches committed and messages written, for metrics and tests. */
  readonly stats = { batches: 0, messages: 0, largestBatch: 0 };

  constructor(
    private readonly db: Db,
    private readonly opts: { onBatch?: (written: AppendResult[]) => void; prepared?: PreparedRunner },
  ) {}

  /** Stores one message; resolves after the transaction that holds it has committed. */
  append(item: AppendItem): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when every queued message has been written (for graceful shutdown). */
  async drain(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((r) => this.drained.push(r));
  }

  /**
   * One batch is written at a time. With nothing in flight, the batch starts right after this
   * turn's I/O (it collects every frame read in it; a timer would add a millisecond to every
   * batch); while a commit runs, later messages wait for it and ride the next batch together.
   * One batch in flight, not two: a second does not raise throughput (see docs/decisions/002).
   */
  private schedule(): void {
    if (this.scheduled || this.inFlight > 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.queue.length === 0) return this.settleDrain();
    const batch = this.queue.splice(0, MAX_BATCH);
    this.inFlight++;
    try {
      await this.commit(batch);
    } finally {
      this.inFlight--;
      if (this.queue.length) this.schedule();
      else this.settleDrain();
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    let outcomes: Outcome[];
    const items = batch.map((p) => p.item);
    try {
      // One statement for the common batch; the careful transaction when it holds a resend or the
      // statement failed (a concurrent resend, or one bad message: see below).
      outcomes =
        (await writeBatchAtOnce(this.db, items, this.opts.prepared).catch(() => null)) ??
        (await this.db.transaction().execute((trx) => writeBatch(trx, items)));
    } catch (err) {
      if (batch.length === 1) {
        batch[0].reject(toStoreError(err));
        return;
      }
      // One bad message must not sink the others: retry each on its own.
      await Promise.all(batch.map((p) => this.commit([p])));
      return;
    }
    this.stats.batches++;
    this.stats.messages += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    outcomes.forEach((o, i) => (o.ok ? batch[i].resolve(o.result) : batch[i].reject(o.error)));
    this.opts.onBatch?.(outcomes.flatMap((o) => (o.ok && !o.result.duplicate ? [o.result] : [])));
  }

  private settleDrain(): void {
    if (this.queue.length || this.inFlight) return;
    for (const r of this.drained.splice(0)) r();
  }
}

/** Database failures become `internal`: the message was not stored and must not be acked. */
function toStoreError(err: unknown): unknown {
  return err instanceof AppError ? err : Object.assign(new AppError('internal'), { cause: err });
}
