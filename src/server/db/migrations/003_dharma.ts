/**
 * Dharma features: content-filter categories, terms and allow-list; the sutra corpus; automatic
 * reply rules and the compassion pool; review marks for supervisors; the merit ledger. A version
 * row per area lets every node notice an admin's change and reload without a restart.
 */
import { sql, type Kysely } from 'kysely';

/** Creates the dharma tables. Shipped data is loaded by the service at start, not here. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE dharma_versions (
      area text PRIMARY KEY,
      version bigint NOT NULL DEFAULT 0
    )`.execute(db);
  await sql`INSERT INTO dharma_versions (area, version) VALUES ('filter', 0), ('corpus', 0), ('replies', 0)`.execute(db);

  await sql`
    CREATE TABLE dharma_categories (
      id text PRIMARY KEY,
      name text NOT NULL,
      action text NOT NULL CHECK (action IN ('block','flag','mask','off')),
      position integer NOT NULL DEFAULT 0
    )`.execute(db);
  await sql`
    CREATE TABLE dharma_terms (
      id bigserial PRIMARY KEY,
      term text NOT NULL,
      normalized text NOT NULL UNIQUE,
      category text NOT NULL REFERENCES dharma_categories(id),
      enabled boolean NOT NULL DEFAULT true,
      source text NOT NULL,
      note text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX dharma_terms_category_idx ON dharma_terms (category, enabled)`.execute(db);
  await sql`
    CREATE TABLE dharma_allow_terms (
      id bigserial PRIMARY KEY,
      term text NOT NULL,
      normalized text NOT NULL UNIQUE,
      source text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE dharma_sutras (
      id text PRIMARY KEY,
      taisho text,
      title text NOT NULL,
      aliases text[] NOT NULL DEFAULT '{}',
      coverage text NOT NULL DEFAULT 'full' CHECK (coverage IN ('full','partial')),
      content text NOT NULL,
      source text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE dharma_auto_rules (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      keywords text[] NOT NULL,
      reply text NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      position integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE dharma_compassion (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      text text NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE dharma_reviews (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      message_id uuid NOT NULL,
      chat_id uuid NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
      kind text NOT NULL,
      detail jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz,
      resolved_by uuid,
      UNIQUE (message_id, kind)
    )`.execute(db);
  await sql`CREATE INDEX dharma_reviews_open_idx ON dharma_reviews (created_at) WHERE resolved_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE merit_ledger (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      chat_id uuid NOT NULL UNIQUE REFERENCES chats(id) ON DELETE CASCADE,
      member_id uuid NOT NULL,
      minutes integer NOT NULL,
      positive_terms integer NOT NULL,
      positive_detail jsonb NOT NULL DEFAULT '[]',
      verified_quotes integer NOT NULL,
      points integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX merit_ledger_member_idx ON merit_ledger (member_id, created_at)`.execute(db);
  await sql`
    CREATE TABLE merit_totals (
      user_id uuid PRIMARY KEY,
      total integer NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}
