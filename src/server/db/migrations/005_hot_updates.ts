/**
 * Updates that can stay on their page (HOT: no new index entries). Every group commit moves the
 * last seq of its chats, and every member message gets its mood score a moment after it is
 * stored. Two things keep both updates HOT (see docs/decisions/003):
 *
 * - `chats_open_activity_idx` goes: it indexed `updated_at`, which every batch changes, and an
 *   indexed column that changes rules HOT out. Closing inactive chats (the only reader) finds
 *   open chats through the partial index on open chats' assignee and filters by time.
 * - Free space on each page for the new versions (fillfactor 50): chats are few and updated all
 *   the time; each message is updated once, by its score, soon after the insert, and at 50 the
 *   score's new version fits on the page. The price is disk: message pages are filled to about
 *   half.
 */
import { sql, type Kysely } from 'kysely';

/** Lets the hot updates of chats and messages stay on their page. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS chats_open_activity_idx`.execute(db);
  await sql`ALTER TABLE chats SET (fillfactor = 50)`.execute(db);
  await sql`ALTER TABLE messages SET (fillfactor = 50)`.execute(db);
}
