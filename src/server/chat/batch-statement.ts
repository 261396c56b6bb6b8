/**
 * A group commit in one statement, so in one round trip and no explicit transaction: lock the
 * chats, number the accepted messages after each chat's last seq, insert them and move the last
 * seqs. Every round trip waits for an event loop busy delivering the previous batch, so a batch
 * costs one, not one per step (see docs/decisions/002).
 *
 * It handles the common batch only. A resend (a client id already stored, by this node or
 * another) fails the statement on the unique index of client ids, so nothing of the batch is
 * written, and the caller writes the batch the careful way (`writeBatch`, which answers resends
 * with their originals). The statement reads no message: the unique index checks resends for
 * free, and a prepared statement's generic plan cannot turn that check into a scan of a grown
 * table (see docs/decisions/004).
 *
 * A batch that sends attachments runs a second form of the statement, which also binds them to
 * their chats: a message refused anywhere before or here leaves its files unsent. Batches without
 * attachments, nearly all, run the first form, which never reads the attachments table.
 */
import { CompiledQuery, sql } from 'kysely';
import { arrayLiteral } from '../db/array-literal';
import type { Db, PreparedRunner } from '../db/database';
import { AppError } from '../core/errors';
import type { MessageDto } from '../../shared/protocol';
import type { AppendItem, AppendResult, ChatFacts, Outcome } from './append-types';

/** PostgreSQL's error code for a duplicate key: here, a client id already stored. */
const UNIQUE_VIOLATION = '23505';

interface Row {
  status: ChatFacts['status'] | null;
  member_id: string | null;
  customer_service_id: string | null;
  id: string | null;
  seq: number | null;
  /** ISO 8601 in UTC, as the protocol shows it (formatted by the statement: no Date per row). */
  created_at: string | null;
  /** The form with attachments: the ids this message may not send, comma-separated (else null). */
  refused_files?: string | null;
}

/**
 * Writes `items` (autocommit) and returns one outcome per item, or null when the batch holds a
 * resend (stored, or twice in the batch) and nothing was written.
 */
export async function writeBatchAtOnce(db: Db, items: AppendItem[], prepared?: PreparedRunner): Promise<Outcome[] | null> {
  const keys = new Set<string>();
  for (const item of items) {
    // A coded system line (rare: the lifecycle writes them in its own transactions) goes the
    // careful way, so this statement, the common path, keeps its nine columns.
    if (item.line) return null;
    if (item.clientId === null) continue;
    const key = `${item.chatId}|${item.senderId}|${item.clientId}`;
    if (keys.has(key)) return null;
    keys.add(key);
  }
  // One file sent by two messages of a batch: the statement cannot see its own binding, so the
  // careful way decides between them.
  let withFiles = false;
  if (items.some((i) => i.attachments.length)) {
    withFiles = true;
    const files = new Set<string>();
    for (const item of items) {
      for (const a of item.attachments) {
        if (files.has(a.id)) return null;
        files.add(a.id);
      }
    }
  }
  // One text parameter per column: array literals built here (see db/array-literal.ts).
  const column = (pick: (item: AppendItem) => string | boolean | null) => arrayLiteral(items.map(pick));
  const parameters = [
    column((i) => i.chatId), column((i) => i.senderId), column((i) => i.senderRole),
    column((i) => i.kind), column((i) => i.text), column((i) => i.clientId),
    column((i) => JSON.stringify(i.attachments)), column((i) => JSON.stringify(i.flags)),
    column((i) => i.requireOpen),
  ];
  // The text is the same for every batch (one array per column), so PostgreSQL can keep it prepared.
  const text = appendStatement(db, withFiles);
  const name = withFiles ? 'lotusdesk_append_batch_files' : 'lotusdesk_append_batch';
  let rows: Row[];
  try {
    rows = prepared ? await prepared<Row>(name, text, parameters) : (await db.executeQuery<Row>(CompiledQuery.raw(text, parameters))).rows;
  } catch (err) {
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) return null; // a resend: see above
    throw err;
  }
  if (rows.length !== items.length) throw new Error(`batch statement answered ${rows.length} rows for ${items.length} messages`);
  return rows.map((row, i): Outcome => {
    if (row.status === null) return { ok: false, error: new AppError('not_found') };
    const chat: ChatFacts = { memberId: row.member_id!, assigneeId: row.customer_service_id, status: row.status };
    if (row.id !== null) return { ok: true, result: storedResult(items[i], chat, row.id, row.seq!, row.created_at!) };
    return { ok: false, error: refusal(items[i], chat, row.refused_files ? row.refused_files.split(',') : []) };
  });
}

const appendSql: { plain?: string; files?: string } = {};

/**
 * The group commit's statement text, compiled once per form: its nine parameters are the columns
 * of the batch as array literals. The acceptance rules are writeBatch's, in the same order:
 * unknown chat, resend (the unique index), a text from someone not in the chat, a closed chat, and
 * (`withFiles`) an attachment that is not the sender's own stored upload or was sent in another
 * chat (`refusal` gives the reason). With `withFiles` the accepted messages' attachments are bound
 * to their chats in the same statement.
 */
export function appendStatement(db: Db, withFiles = false): string {
  const cached = withFiles ? appendSql.files : appendSql.plain;
  if (cached) return cached;
  const none = sql``;
  // Files are locked after the chats (the one-time filter waits for every chat lock) and in id
  // order, as writeBatch does, so concurrent writers never deadlock; the lock reads each row as
  // last committed, so a binding another writer just made is seen. `= ANY(ARRAY(…))` keeps the
  // look-ups on the primary key.
  const fileCtes = withFiles
    ? sql`
    claims AS (
      SELECT i.ord, i.chat_id, i.sender_id, (e.value->>'id')::uuid AS attachment_id
      FROM input i CROSS JOIN LATERAL jsonb_array_elements(i.attachments::jsonb) AS e
    ),
    files AS (
      SELECT id, owner_id, chat_id, stored FROM attachments
      WHERE id = ANY(ARRAY(SELECT attachment_id FROM claims)) AND (SELECT count(*) FROM locked) > 0
      ORDER BY id FOR UPDATE
    ),
    refused_files AS (
      SELECT c.ord, c.attachment_id FROM claims c LEFT JOIN files f ON f.id = c.attachment_id
      WHERE f.id IS NULL OR f.owner_id IS DISTINCT FROM c.sender_id OR NOT f.stored OR f.chat_id <> c.chat_id
    ),`
    : none;
  const fileRule = withFiles ? sql` AND NOT EXISTS (SELECT 1 FROM refused_files r WHERE r.ord = i.ord)` : none;
  const bind = withFiles
    ? sql`
    bound AS (
      UPDATE attachments AS f SET chat_id = (SELECT c.chat_id FROM claims c WHERE c.attachment_id = f.id)
      WHERE f.id = ANY(ARRAY(SELECT c.attachment_id FROM claims c JOIN accepted a ON a.ord = c.ord)) AND f.chat_id IS NULL
    ),`
    : none;
  const refusedColumn = withFiles ? sql`,
      (SELECT string_agg(r.attachment_id::text, ',') FROM refused_files r WHERE r.ord = i.ord) AS refused_files` : none;
  // The ${''} are placeholders only ($1…$9): the values are bound per batch by the caller.
  const text = sql`
    WITH input AS (
      SELECT * FROM unnest(
        ${''}::uuid[], ${''}::uuid[], ${''}::text[], ${''}::text[], ${''}::text[], ${''}::text[], ${''}::text[], ${''}::text[], ${''}::bool[]
      ) WITH ORDINALITY AS t(chat_id, sender_id, sender_role, kind, content, client_id, attachments, flags, require_open, ord)
    ),
    locked AS (
      -- Sorted, so concurrent batches never deadlock; a chat row another writer just changed is
      -- read again after its commit, so last_seq is current.
      SELECT id, last_seq, status, member_id, customer_service_id FROM chats
      WHERE id IN (SELECT chat_id FROM input) ORDER BY id FOR UPDATE
    ),${fileCtes}
    accepted AS (
      SELECT i.*, l.last_seq + row_number() OVER (PARTITION BY i.chat_id ORDER BY i.ord) AS seq
      FROM input i JOIN locked l ON l.id = i.chat_id
      WHERE (i.kind <> 'text' OR i.sender_id = l.member_id OR i.sender_id = l.customer_service_id)
        AND NOT (i.require_open AND l.status = 'closed')${fileRule}
    ),${bind}
    inserted AS (
      INSERT INTO messages (chat_id, seq, sender_id, sender_role, kind, content, client_id, attachments, flags)
      SELECT chat_id, seq, sender_id, sender_role, kind, content, client_id, attachments::jsonb, flags::jsonb FROM accepted
      RETURNING id, chat_id, seq, created_at
    ),
    moved AS (
      UPDATE chats AS c SET last_seq = a.last_seq, updated_at = now()
      FROM (SELECT chat_id, max(seq) AS last_seq FROM accepted GROUP BY chat_id) AS a
      WHERE c.id = a.chat_id
    )
    SELECT l.status, l.member_id, l.customer_service_id, ins.id, ins.seq,
      to_char(ins.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at${refusedColumn}
    FROM input i
    LEFT JOIN locked l ON l.id = i.chat_id
    LEFT JOIN accepted a ON a.ord = i.ord
    LEFT JOIN inserted ins ON ins.chat_id = a.chat_id AND ins.seq = a.seq
    ORDER BY i.ord`.compile(db).sql;
  if (withFiles) appendSql.files = text;
  else appendSql.plain = text;
  return text;
}

/** Why the statement did not accept a message of a known chat (its rules, in its order). */
function refusal(item: AppendItem, chat: ChatFacts, refusedFiles: string[]): AppError {
  if (item.kind === 'text' && item.senderId !== chat.memberId && item.senderId !== chat.assigneeId) return new AppError('forbidden');
  if (item.requireOpen && chat.status === 'closed') return new AppError('chat_closed');
  if (refusedFiles.length) return unsendableFiles(refusedFiles);
  return new AppError('internal');
}

/** The refusal of a message whose attachments are not the sender's to send in this chat. */
export function unsendableFiles(ids: string[]): AppError {
  return new AppError('invalid', { field: 'attachments', unknown: ids });
}

/** The result for a message just stored. */
export function storedResult(item: AppendItem, chat: ChatFacts, id: string, seq: number, createdAt: Date | string): AppendResult {
  return {
    duplicate: false,
    chat,
    message: {
      id,
      chatId: item.chatId,
      seq,
      senderId: item.senderId,
      senderRole: item.senderRole as MessageDto['senderRole'],
      senderName: item.senderName,
      kind: item.kind,
      text: item.text,
      attachments: item.attachments,
      createdAt: typeof createdAt === 'string' ? createdAt : createdAt.toISOString(),
      ...(item.flags.length ? { flags: item.flags } : {}),
      ...(item.line ? { code: item.line.code, params: item.line.params } : {}),
    },
  };
}
