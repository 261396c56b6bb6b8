/**
 * Insight: settings that admins configure for the analysis side (the help lines quoted in the
 * caring reply to a member in distress), kept as small JSON documents by key.
 */
import { sql, type Kysely } from 'kysely';

/** Creates the insight settings table. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE insight_settings (
      key text PRIMARY KEY,
      value jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by uuid
    )`.execute(db);
}
