/**
 * Core schema: the seed's tables (users, chats, messages, customer_service_schedule) plus what the
 * wire contract needs (external ids, roles, per-chat seq, client message ids, read cursors).
 */
import { sql, type Kysely } from 'kysely';

/** Creates the core tables. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      external_id text NOT NULL UNIQUE,
      role text NOT NULL CHECK (role IN ('member','agent','master','supervisor','admin')),
      name text NOT NULL,
      tier text NOT NULL DEFAULT 'regular',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE chats (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      member_id uuid NOT NULL REFERENCES users(id),
      customer_service_id uuid REFERENCES users(id),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','open','closed')),
      topic text,
      last_seq integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      assigned_at timestamptz,
      closed_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX chats_member_idx ON chats (member_id, created_at DESC)`.execute(db);
  await sql`CREATE INDEX chats_assignee_idx ON chats (customer_service_id) WHERE status = 'open'`.execute(db);
  await sql`CREATE INDEX chats_pending_idx ON chats (created_at) WHERE status = 'pending'`.execute(db);
  // At most one live (pending or open) chat per member: the database, not a check-then-insert, enforces it.
  await sql`CREATE UNIQUE INDEX chats_one_live_per_member ON chats (member_id) WHERE status <> 'closed'`.execute(db);

  await sql`
    CREATE TABLE messages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      chat_id uuid NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
      seq integer NOT NULL,
      sender_id uuid REFERENCES users(id),
      sender_role text NOT NULL,
      kind text NOT NULL DEFAULT 'text' CHECK (kind IN ('text','auto_reply','system')),
      content text NOT NULL,
      client_id text,
      is_read boolean NOT NULL DEFAULT false,
      sentiment_score real,
      attachments jsonb NOT NULL DEFAULT '[]'::jsonb,
      flags jsonb NOT NULL DEFAULT '[]'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // History pages are read by (chat_id, seq): the unique index is also the paging index.
  await sql`CREATE UNIQUE INDEX messages_chat_seq ON messages (chat_id, seq)`.execute(db);
  await sql`CREATE UNIQUE INDEX messages_client_id ON messages (chat_id, sender_id, client_id) WHERE client_id IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE read_cursors (
      chat_id uuid NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id),
      last_read_seq integer NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (chat_id, user_id)
    )`.execute(db);

  await sql`
    CREATE TABLE customer_service_schedule (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id),
      shift_start timestamptz NOT NULL,
      shift_end timestamptz NOT NULL,
      current_status text NOT NULL DEFAULT 'offline' CHECK (current_status IN ('online','away','offline')),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (shift_end > shift_start)
    )`.execute(db);
  await sql`CREATE INDEX schedule_user_idx ON customer_service_schedule (user_id, shift_start)`.execute(db);

  await sql`
    CREATE TABLE attachments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_id uuid NOT NULL REFERENCES users(id),
      chat_id uuid REFERENCES chats(id) ON DELETE CASCADE,
      name text NOT NULL,
      mime text NOT NULL,
      size integer NOT NULL,
      storage_key text NOT NULL,
      thumbnail_key text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX attachments_owner_idx ON attachments (owner_id)`.execute(db);
}
