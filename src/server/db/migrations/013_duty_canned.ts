/**
 * Masters on duty and canned replies (PROTOCOL part 2):
 * - `holy_day_festivals`: the festival list admins edit (lunar month and day); the lunar 1st and
 *   15th are computed, not stored.
 * - `duty_settings`: one row: which holy days put masters on duty and how long a masters-first
 *   chat waits for a master before agents may take it.
 * - `duty_windows`: periods supervisors add when masters are on duty.
 * - `canned_replies`: personal (owner) and team (owner null) replies, unique by shortcut per owner.
 */
import { sql, type Kysely } from 'kysely';
import { DEFAULT_FESTIVALS } from '../../duty/holy-days';

/** Creates the tables and seeds the festival list and the settings. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE holy_day_festivals (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    lunar_month smallint NOT NULL CHECK (lunar_month BETWEEN 1 AND 12),
    lunar_day smallint NOT NULL CHECK (lunar_day BETWEEN 1 AND 30),
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  for (const f of DEFAULT_FESTIVALS) {
    await sql`INSERT INTO holy_day_festivals (lunar_month, lunar_day, name) VALUES (${f.lunarMonth}, ${f.lunarDay}, ${f.name})`.execute(db);
  }
  await sql`CREATE TABLE duty_settings (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    holy_days text NOT NULL DEFAULT 'both' CHECK (holy_days IN ('none','festival','fast','both')),
    master_first_seconds integer NOT NULL DEFAULT 120 CHECK (master_first_seconds BETWEEN 0 AND 86400),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  await sql`INSERT INTO duty_settings DEFAULT VALUES`.execute(db);
  await sql`CREATE TABLE duty_windows (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    reason text NOT NULL,
    created_by uuid REFERENCES users(id),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
  )`.execute(db);
  await sql`CREATE INDEX duty_windows_ends_idx ON duty_windows (ends_at)`.execute(db);

  await sql`CREATE TABLE canned_replies (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id uuid REFERENCES users(id) ON DELETE CASCADE,
    shortcut text NOT NULL,
    title text NOT NULL,
    text text NOT NULL,
    usage_count integer NOT NULL DEFAULT 0,
    created_by uuid REFERENCES users(id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  await sql`CREATE UNIQUE INDEX canned_replies_shortcut_idx ON canned_replies (COALESCE(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(shortcut))`.execute(db);
}
