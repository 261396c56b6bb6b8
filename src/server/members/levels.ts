/**
 * Merit levels: named thresholds of total merit, configurable by admins as a whole list. The
 * lowest level starts at 0 so every member holds a level; thresholds rise strictly, so a total
 * falls in exactly one level. A member's level history is derived from the ledger's running
 * total, so it stays true to the thresholds as they are now.
 */
import { sql } from 'kysely';
import type { LevelReached, Localized, MeritLevel } from '../../shared/members';
import type { Db } from '../db/database';
import { AppError } from '../core/errors';

export const MAX_LEVELS = 20;
export const MAX_BENEFITS = 10;
const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** Where a total stands among levels (ascending, the first at 0). */
export function standingIn(levels: MeritLevel[], total: number): { level: MeritLevel; nextLevel: MeritLevel | null; toNext: number } {
  if (levels.length === 0) throw new Error('no merit levels configured');
  let i = 0;
  while (i + 1 < levels.length && levels[i + 1].minMerit <= total) i++;
  const nextLevel = levels[i + 1] ?? null;
  return { level: levels[i], nextLevel, toNext: nextLevel ? nextLevel.minMerit - total : 0 };
}

/** Checks a whole list of levels; throws `invalid` with the field and reason. */
export function validateLevels(levels: MeritLevel[]): void {
  const bad = (field: string, reason: string): never => {
    throw new AppError('invalid', { field, reason });
  };
  if (levels.length === 0 || levels.length > MAX_LEVELS) bad('levels', 'count');
  if (levels[0].minMerit !== 0) bad('levels[0].minMerit', 'first_level_starts_at_zero');
  const ids = new Set<string>();
  levels.forEach((l, i) => {
    if (!ID_PATTERN.test(l.id)) bad(`levels[${i}].id`, 'pattern');
    if (ids.has(l.id)) bad(`levels[${i}].id`, 'duplicate');
    ids.add(l.id);
    if (i > 0 && l.minMerit <= levels[i - 1].minMerit) bad(`levels[${i}].minMerit`, 'not_ascending');
    if (!localizedOk(l.name, 40)) bad(`levels[${i}].name`, 'blank');
    if (l.benefits.length > MAX_BENEFITS) bad(`levels[${i}].benefits`, 'count');
    l.benefits.forEach((b, j) => {
      if (!localizedOk(b, 200)) bad(`levels[${i}].benefits[${j}]`, 'blank');
    });
  });
}

function localizedOk(t: Localized, max: number): boolean {
  return [t['zh-TW'], t['zh-CN'], t.en].every((s) => typeof s === 'string' && s.trim().length > 0 && s.length <= max);
}

function trimmed(t: Localized): Localized {
  return { 'zh-TW': t['zh-TW'].trim(), 'zh-CN': t['zh-CN'].trim(), en: t.en.trim() };
}

export class Levels {
  constructor(private readonly db: Db) {}

  /** Every level, ascending. */
  async list(db: Db = this.db): Promise<MeritLevel[]> {
    const rows = await db.selectFrom('merit_levels').selectAll().orderBy('min_merit').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, minMerit: r.min_merit, benefits: r.benefits }));
  }

  /**
   * Replaces the whole list. A level that offers still name cannot be removed (`conflict`,
   * `details.reason` `level_in_use`): its offers would lose their audience.
   */
  async replace(input: MeritLevel[]): Promise<MeritLevel[]> {
    const levels = input.map((l) => ({ id: l.id, minMerit: l.minMerit, name: trimmed(l.name), benefits: l.benefits.map(trimmed) }));
    validateLevels(levels);
    return this.db.transaction().execute(async (trx) => {
      // Two admins saving at once: the second waits and replaces the first's list whole.
      await sql`LOCK TABLE merit_levels IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
      const ids = levels.map((l) => l.id);
      const used = await trx.selectFrom('member_offers').select('min_level').distinct().where('min_level', 'not in', ids).execute();
      if (used.length) throw new AppError('conflict', { reason: 'level_in_use', levels: used.map((u) => u.min_level) });
      await trx.deleteFrom('merit_levels').where('id', 'not in', ids).execute();
      for (const l of levels) {
        const values = { min_merit: l.minMerit, name: JSON.stringify(l.name), benefits: JSON.stringify(l.benefits), updated_at: new Date() };
        await trx.insertInto('merit_levels').values({ id: l.id, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
      }
      return this.list(trx);
    });
  }

  /** The levels a member reached and when: the first award whose running total met each threshold. */
  async history(memberId: string, levels: MeritLevel[]): Promise<LevelReached[]> {
    const rows = await sql<{ id: string; created_at: Date; running: number }>`
      SELECT id, created_at, (sum(points) OVER (ORDER BY created_at, id))::int AS running
      FROM merit_ledger WHERE member_id = ${memberId} ORDER BY created_at, id`.execute(this.db);
    const reached: LevelReached[] = [];
    let r = 0;
    for (const level of levels) {
      if (level.minMerit <= 0) {
        reached.push({ levelId: level.id, ledgerId: null, at: null });
        continue;
      }
      while (r < rows.rows.length && rows.rows[r].running < level.minMerit) r++;
      if (r >= rows.rows.length) break;
      reached.push({ levelId: level.id, ledgerId: rows.rows[r].id, at: new Date(rows.rows[r].created_at).toISOString() });
    }
    return reached;
  }
}
