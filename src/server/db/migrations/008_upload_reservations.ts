/**
 * An upload is reserved before its bytes are read: its row is written first (`stored` false), in
 * a transaction that counts the owner's unsent uploads under a per-owner lock, so concurrent
 * uploads cannot all pass the cap on unsent uploads before any of them is recorded. `stored`
 * turns true once the file is in place; only stored uploads can be sent or downloaded. Rows
 * written before this column existed are stored uploads, hence the default.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE attachments ADD COLUMN IF NOT EXISTS stored boolean NOT NULL DEFAULT true`.execute(db);
}
