/**
 * The service desk's second round (docs/PROTOCOL.md part 2, "Service").
 *
 * - `messages.code`, `messages.params`: a system line's code and parameters, so each client renders
 *   it in its own locale (`content` keeps the zh-TW rendering). Nullable without a default: adding
 *   them rewrites nothing, and people's messages (nearly all) leave them null.
 * - `chats.labels`: staff labels of a chat (members never see them).
 * - `chat_ratings`: the member's satisfaction rating of a closed chat, one per chat (the primary key
 *   refuses a second).
 * - `message_search`: search tokens of people's messages (character bigrams and CJK unigrams of the
 *   text folded to one script), written after commit off the group commit's path; the GIN index
 *   answers "every token of the query". The text itself is not copied here.
 */
import { sql, type Kysely } from 'kysely';

/** Adds system-line codes, labels, ratings and the search index. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE messages ADD COLUMN IF NOT EXISTS code text`.execute(db);
  await sql`ALTER TABLE messages ADD COLUMN IF NOT EXISTS params jsonb`.execute(db);
  await sql`ALTER TABLE chats ADD COLUMN IF NOT EXISTS labels text[] NOT NULL DEFAULT '{}'`.execute(db);
  await sql`CREATE TABLE chat_ratings (
    chat_id uuid PRIMARY KEY REFERENCES chats(id) ON DELETE CASCADE,
    member_id uuid NOT NULL REFERENCES users(id),
    score smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment text,
    created_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  await sql`CREATE INDEX chat_ratings_created_idx ON chat_ratings (created_at)`.execute(db);
  await sql`CREATE TABLE message_search (
    message_id uuid PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    chat_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    tokens text[] NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX message_search_tokens_idx ON message_search USING gin (tokens)`.execute(db);
  await sql`CREATE INDEX message_search_created_idx ON message_search (created_at DESC)`.execute(db);
}
