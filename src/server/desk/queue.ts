/**
 * The pending queue as members see it: their position, kept up to date as the queue moves.
 * (Priority ordering and wait estimates build on this in the service-desk work.)
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';

/** Position (1-based) of each pending chat, oldest first; chats not pending are absent. */
export async function pendingPositions(db: Db, limit = 1000): Promise<Map<string, number>> {
  const rows = await db.selectFrom('chats').select('id').where('status', '=', 'pending').orderBy('created_at').orderBy('id').limit(limit).execute();
  return new Map(rows.map((r, i) => [r.id, i + 1]));
}

/** Position of one pending chat. */
export async function queuePositionOf(db: Db, chatId: string): Promise<number | undefined> {
  const row = await sql<{ pos: number }>`
    SELECT (count(*) + 1)::int AS pos FROM chats o, chats c
    WHERE c.id = ${chatId} AND c.status = 'pending' AND o.status = 'pending'
      AND (o.created_at, o.id) < (c.created_at, c.id)`.execute(db);
  const chat = await db.selectFrom('chats').select('status').where('id', '=', chatId).executeTakeFirst();
  return chat?.status === 'pending' ? row.rows[0]?.pos ?? 1 : undefined;
}
