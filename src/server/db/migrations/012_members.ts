/**
 * Members and merit (PROTOCOL part 2, "Members and merit"):
 * - the merit ledger outlives its chat (retention purges chats) and keeps every part of a chat's sum (base, conversation minutes from the first
 *   staff answer, positive words, sutra quotes) and when the conversation started, so a member
 *   can read how each award was made; rows written before keep their stored inputs;
 * - merit levels: named thresholds in three languages with benefits, seeded with five levels;
 * - 三寶 certification applications, at most one pending per member, with their photos (uploads
 *   bound by `attachments.certification_id`);
 * - exclusive offers by level and their claims (one per member and offer);
 * - the daily leaderboard's opt-in and alias per member.
 */
import { sql, type Kysely } from 'kysely';

const SEED_LEVELS = [
  { id: 'seed', min: 0, name: { 'zh-TW': '初發心', 'zh-CN': '初发心', en: 'First Aspiration' }, benefits: [] },
  { id: 'diligent', min: 100, name: { 'zh-TW': '精進', 'zh-CN': '精进', en: 'Diligence' }, benefits: [{ 'zh-TW': '精進會員專屬優惠', 'zh-CN': '精进会员专属优惠', en: 'Offers for Diligence members' }] },
  { id: 'lotus', min: 300, name: { 'zh-TW': '蓮華', 'zh-CN': '莲华', en: 'Lotus' }, benefits: [{ 'zh-TW': '法會報名優先通知', 'zh-CN': '法会报名优先通知', en: 'Early notice of Dharma assemblies' }] },
  { id: 'bodhi', min: 800, name: { 'zh-TW': '菩提', 'zh-CN': '菩提', en: 'Bodhi' }, benefits: [{ 'zh-TW': '結緣品免運', 'zh-CN': '结缘品免运', en: 'Free shipping on gifts of the Dharma' }] },
  { id: 'vajra', min: 2000, name: { 'zh-TW': '金剛', 'zh-CN': '金刚', en: 'Vajra' }, benefits: [{ 'zh-TW': '專屬法師諮詢時段', 'zh-CN': '专属法师咨询时段', en: 'Reserved hours with a Dharma master' }] },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE merit_ledger
      ADD COLUMN IF NOT EXISTS base integer NOT NULL DEFAULT 10,
      ADD COLUMN IF NOT EXISTS conversation_started_at timestamptz`.execute(db);
  // The ledger outlives its chat: a chat purged by retention keeps its member's award and parts.
  await sql`ALTER TABLE merit_ledger DROP CONSTRAINT IF EXISTS merit_ledger_chat_id_fkey`.execute(db);
  await sql`ALTER TABLE merit_ledger ALTER COLUMN chat_id DROP NOT NULL`.execute(db);
  await sql`ALTER TABLE merit_ledger ADD CONSTRAINT merit_ledger_chat_id_fkey FOREIGN KEY (chat_id) REFERENCES chats(id) ON DELETE SET NULL`.execute(db);
  // The leaderboard sums a desk day's awards.
  await sql`CREATE INDEX IF NOT EXISTS merit_ledger_day_idx ON merit_ledger (created_at)`.execute(db);

  await sql`
    CREATE TABLE merit_levels (
      id text PRIMARY KEY,
      min_merit integer NOT NULL CHECK (min_merit >= 0),
      name jsonb NOT NULL,
      benefits jsonb NOT NULL DEFAULT '[]',
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  for (const l of SEED_LEVELS) {
    await sql`INSERT INTO merit_levels (id, min_merit, name, benefits) VALUES (${l.id}, ${l.min}, ${JSON.stringify(l.name)}::jsonb, ${JSON.stringify(l.benefits)}::jsonb)`.execute(db);
  }

  await sql`
    CREATE TABLE member_certifications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      member_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
      refuge_date date NOT NULL,
      refuge_temple text NOT NULL,
      master text NOT NULL,
      dharma_name text,
      note text,
      attachments uuid[] NOT NULL DEFAULT '{}',
      reason text,
      decided_by uuid,
      decided_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX member_certifications_pending_uq ON member_certifications (member_id) WHERE status = 'pending'`.execute(db);
  await sql`CREATE INDEX member_certifications_member_idx ON member_certifications (member_id, created_at)`.execute(db);
  await sql`CREATE INDEX member_certifications_status_idx ON member_certifications (status, created_at)`.execute(db);

  // A certificate photo is an upload bound to its application: kept by the unsent sweep, readable by reviewers.
  await sql`ALTER TABLE attachments ADD COLUMN IF NOT EXISTS certification_id uuid REFERENCES member_certifications(id) ON DELETE SET NULL`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS attachments_certification_idx ON attachments (certification_id) WHERE certification_id IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE member_offers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      title text NOT NULL,
      body text NOT NULL DEFAULT '',
      min_level text NOT NULL REFERENCES merit_levels(id),
      code text NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE member_offer_claims (
      offer_id uuid NOT NULL REFERENCES member_offers(id) ON DELETE CASCADE,
      member_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      claimed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (offer_id, member_id)
    )`.execute(db);

  await sql`
    CREATE TABLE merit_leaderboard_prefs (
      user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      opt_in boolean NOT NULL,
      alias text,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}
