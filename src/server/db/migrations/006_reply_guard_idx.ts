/**
 * The automatic replies' guard ("human first, no flooding": no agent or master answer in the last
 * minute, no automatic reply within the cooldown) asks for a chat's recent agent, master and
 * automatic messages by time. Through (chat_id, seq) alone PostgreSQL would read every message of
 * the chat, so this partial index holds only the rows the guard looks for, by time; members'
 * messages, most of the table, are not in it (see docs/decisions/003).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX IF NOT EXISTS messages_reply_guard_idx ON messages (chat_id, created_at)
    WHERE kind = 'auto_reply' OR sender_role IN ('agent', 'master')`.execute(db);
}
