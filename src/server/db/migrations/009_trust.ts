/**
 * Trust (docs/PROTOCOL.md part 2, "Trust"): the hash-chained audit log and the transparency log.
 *
 * - `audit_entries`: one row per staff or admin action; `hash` chains to the previous entry's.
 *   `key` makes an append idempotent (a domain event's id, or a key the caller derives), so a
 *   listener that runs twice appends once. Appends are serialised by an advisory lock, so the
 *   chain is linear across nodes.
 * - `tlog_leaves`, `tlog_nodes`, `tlog_heads`: the RFC 9162 Merkle tree. `tlog_nodes` holds the
 *   hash of every complete (power-of-two) subtree, stored once when it completes and never
 *   changed, so any root, inclusion proof or consistency proof combines O(log n) stored hashes.
 * - Every one of these tables refuses UPDATE, DELETE and TRUNCATE by trigger: the product never
 *   edits them, and a mistaken or malicious statement through the application's connection fails
 *   too (defence in depth; the chain and the signed heads are what prove tampering).
 */
import { sql, type Kysely } from 'kysely';

const APPEND_ONLY = ['audit_entries', 'tlog_leaves', 'tlog_nodes', 'tlog_heads'];

/** Creates the audit and transparency tables and their append-only triggers. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE audit_entries (
    seq bigint PRIMARY KEY,
    key text NOT NULL UNIQUE,
    at timestamptz NOT NULL,
    actor_id uuid,
    actor_role text NOT NULL,
    action text NOT NULL,
    target text,
    details jsonb NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX audit_entries_actor_idx ON audit_entries (actor_id, seq)`.execute(db);
  await sql`CREATE INDEX audit_entries_action_idx ON audit_entries (action, seq)`.execute(db);
  await sql`CREATE INDEX audit_entries_target_idx ON audit_entries (target, seq)`.execute(db);
  await sql`CREATE INDEX audit_entries_at_idx ON audit_entries (at)`.execute(db);

  await sql`CREATE TABLE tlog_leaves (
    index bigint PRIMARY KEY,
    kind text NOT NULL,
    subject text,
    leaf text NOT NULL,
    leaf_hash text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  await sql`CREATE INDEX tlog_leaves_subject_idx ON tlog_leaves (subject, index) WHERE subject IS NOT NULL`.execute(db);
  await sql`CREATE TABLE tlog_nodes (
    level smallint NOT NULL,
    idx bigint NOT NULL,
    hash text NOT NULL,
    PRIMARY KEY (level, idx)
  )`.execute(db);
  await sql`CREATE TABLE tlog_heads (
    tree_size bigint PRIMARY KEY,
    root_hash text NOT NULL,
    timestamp text NOT NULL,
    signature text NOT NULL,
    public_key text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);

  await sql`CREATE FUNCTION trust_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
    END
  $$`.execute(db);
  for (const table of APPEND_ONLY) {
    await sql`CREATE TRIGGER ${sql.raw(`${table}_append_only`)} BEFORE UPDATE OR DELETE ON ${sql.table(table)} FOR EACH ROW EXECUTE FUNCTION trust_refuse_change()`.execute(db);
    await sql`CREATE TRIGGER ${sql.raw(`${table}_no_truncate`)} BEFORE TRUNCATE ON ${sql.table(table)} FOR EACH STATEMENT EXECUTE FUNCTION trust_refuse_change()`.execute(db);
  }
}
