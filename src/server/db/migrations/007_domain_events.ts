/**
 * The outbox of domain events (src/shared/domain-events.ts) and private notes.
 *
 * - `domain_events`: each state change records its event here in its own transaction; the node
 *   that committed publishes it and stamps `published_at`; the relay publishes what a node
 *   committed but never published (it died in between). `position` is the cluster-wide order.
 * - `chats_live_idx`: the live chats, for the message relay (relay.ts).
 * - `chat_notes`: staff-only notes about a chat (a transfer's note is one). A note's text is
 *   never in a message, so no message path (frames, history, resume, exports) can leak it.
 */
import { sql, type Kysely } from 'kysely';

/** Creates the outbox and the notes table. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE domain_events (
    id uuid PRIMARY KEY,
    position bigserial NOT NULL UNIQUE,
    type text NOT NULL,
    chat_id uuid,
    data jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
  )`.execute(db);
  await sql`CREATE INDEX domain_events_unpublished_idx ON domain_events (position) WHERE published_at IS NULL`.execute(db);
  await sql`CREATE INDEX domain_events_chat_idx ON domain_events (chat_id, position)`.execute(db);
  // The message relay reads live chats by this index. Its key (id) and predicate (status) do not
  // change when a message commits, so the group commit's chat update stays HOT.
  await sql`CREATE INDEX chats_live_idx ON chats (id) WHERE status <> 'closed'`.execute(db);
  await sql`CREATE TABLE chat_notes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    chat_id uuid NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    author_id uuid REFERENCES users(id),
    author_name text NOT NULL,
    text text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  await sql`CREATE INDEX chat_notes_chat_idx ON chat_notes (chat_id, created_at)`.execute(db);
}
