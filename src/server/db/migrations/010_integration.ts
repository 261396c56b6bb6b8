/**
 * The shop's integration (docs/PROTOCOL.md part 2, "Identity (added)", "Domain events and webhooks").
 *
 * - `api_keys`: server-to-server credentials. Only the SHA-256 of a key is kept (keys carry 256
 *   random bits, so a fast hash is enough); `prefix` lets an admin recognise a key in the list.
 *   A revoked key keeps its row (with `revoked_at`) so the list shows what was revoked and when.
 * - `webhooks`: endpoints with the event types they want and the secret that signs deliveries.
 *   `failing_since` is the start of an unbroken run of failed attempts; past a day the endpoint is
 *   disabled (`disabled_at`).
 * - `webhook_deliveries`: one row per (endpoint, event) is the truth of a delivery: the job queue
 *   only carries its id, and a sweep re-queues rows still pending, so a restart loses nothing.
 *   The unique key makes turning an event into deliveries idempotent by event id.
 */
import { sql, type Kysely } from 'kysely';

/** Creates the API key, webhook and delivery tables. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE api_keys (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    scopes text[] NOT NULL,
    key_hash text NOT NULL UNIQUE,
    prefix text NOT NULL,
    created_by uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at timestamptz
  )`.execute(db);
  await sql`CREATE TABLE webhooks (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    url text NOT NULL,
    events text[] NOT NULL,
    description text,
    secret text NOT NULL,
    created_by uuid REFERENCES users(id) ON DELETE SET NULL,
    created_by_key uuid REFERENCES api_keys(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    failing_since timestamptz,
    last_success_at timestamptz,
    disabled_at timestamptz,
    disabled_reason text
  )`.execute(db);
  await sql`CREATE TABLE webhook_deliveries (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    webhook_id uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id uuid NOT NULL,
    type text NOT NULL,
    body text NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    locked_until timestamptz,
    last_attempt_at timestamptz,
    delivered_at timestamptz,
    response_status integer,
    error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (webhook_id, event_id)
  )`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (webhook_id, created_at DESC)`.execute(db);
}
