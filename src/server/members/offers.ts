/**
 * Exclusive offers by merit level: admins write them with a code and a period; a member sees the
 * active offers of their level and the levels below, and claims one to get its code. A claim is
 * counted once per member and offer (a repeat returns the same code and counts nothing).
 */
import { sql } from 'kysely';
import type { MeritLevel, Offer } from '../../shared/members';
import type { Db } from '../db/database';
import type { Clock } from '../core/clock';
import { AppError } from '../core/errors';
import type { User } from '../identity/users';
import { isUuid } from '../core/ids';

export interface OfferInput {
  title: string;
  body?: string;
  minLevel: string;
  code: string;
  startsAt: string;
  endsAt: string;
}

type OfferRow = { id: string; title: string; body: string; min_level: string; code: string; starts_at: Date; ends_at: Date };

function present(r: OfferRow, extra: Partial<Offer> = {}): Offer {
  return { id: r.id, title: r.title, body: r.body, minLevel: r.min_level, startsAt: new Date(r.starts_at).toISOString(), endsAt: new Date(r.ends_at).toISOString(), ...extra };
}

/** An ISO-8601 date-time with its zone (as the contract's times are), else null. */
function isoTime(s: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The ids of the levels at or below `level`. */
export function levelsUpTo(levels: MeritLevel[], level: MeritLevel): string[] {
  return levels.filter((l) => l.minMerit <= level.minMerit).map((l) => l.id);
}

export class Offers {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  private checked(input: OfferInput): { title: string; body: string; min_level: string; code: string; starts_at: Date; ends_at: Date } {
    const title = input.title.trim();
    const code = input.code.trim();
    if (!title) throw new AppError('invalid', { field: 'title', reason: 'blank' });
    if (!code) throw new AppError('invalid', { field: 'code', reason: 'blank' });
    const starts = isoTime(input.startsAt);
    const ends = isoTime(input.endsAt);
    if (!starts) throw new AppError('invalid', { field: 'startsAt', reason: 'date' });
    if (!ends) throw new AppError('invalid', { field: 'endsAt', reason: 'date' });
    if (ends <= starts) throw new AppError('invalid', { field: 'endsAt', reason: 'before_start' });
    return { title, body: (input.body ?? '').trim(), min_level: input.minLevel, code, starts_at: starts, ends_at: ends };
  }

  private async assertLevel(id: string): Promise<void> {
    const level = await this.deps.db.selectFrom('merit_levels').select('id').where('id', '=', id).executeTakeFirst();
    if (!level) throw new AppError('invalid', { field: 'minLevel', reason: 'unknown_level' });
  }

  /** Creates an offer (admins). */
  async create(admin: User, input: OfferInput): Promise<Offer> {
    const values = this.checked(input);
    await this.assertLevel(values.min_level);
    const now = this.deps.clock.now();
    const row = await this.deps.db.insertInto('member_offers').values({ ...values, created_by: admin.id, created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
    return present(row, { code: row.code, claims: 0 });
  }

  /** Replaces an offer's fields (admins); claims stay. */
  async update(id: string, input: OfferInput): Promise<Offer> {
    if (!isUuid(id)) throw new AppError('not_found');
    const values = this.checked(input);
    await this.assertLevel(values.min_level);
    const row = await this.deps.db.updateTable('member_offers').set({ ...values, updated_at: this.deps.clock.now() }).where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) throw new AppError('not_found');
    return (await this.all()).find((o) => o.id === row.id)!;
  }

  /** Deletes an offer and its claims (admins). */
  async remove(id: string): Promise<void> {
    if (!isUuid(id)) throw new AppError('not_found');
    const r = await this.deps.db.deleteFrom('member_offers').where('id', '=', id).executeTakeFirst();
    if (!r.numDeletedRows) throw new AppError('not_found');
  }

  /** Every offer with its code and claim count, newest period first (admins). */
  async all(): Promise<Offer[]> {
    const rows = await this.deps.db
      .selectFrom('member_offers as o')
      .selectAll('o')
      .select(sql<number>`(SELECT count(*) FROM member_offer_claims c WHERE c.offer_id = o.id)::int`.as('claims'))
      .orderBy('o.starts_at', 'desc')
      .execute();
    return rows.map((r) => present(r, { code: r.code, claims: Number(r.claims) }));
  }

  /** The active offers a member's level opens (their level and below); codes only for those claimed. */
  async forMember(member: User, levelIds: string[]): Promise<Offer[]> {
    const now = this.deps.clock.now();
    const rows = await this.deps.db
      .selectFrom('member_offers as o')
      .leftJoin('member_offer_claims as c', (j) => j.onRef('c.offer_id', '=', 'o.id').on('c.member_id', '=', member.id))
      .selectAll('o')
      .select('c.claimed_at')
      .where('o.min_level', 'in', levelIds)
      .where('o.starts_at', '<=', now)
      .where('o.ends_at', '>', now)
      .orderBy('o.ends_at')
      .execute();
    return rows.map((r) => present(r, r.claimed_at ? { claimed: true, code: r.code } : { claimed: false }));
  }

  /**
   * Claims an offer for a member whose level opens it: its code; a repeat returns the same code
   * and counts once. Unknown → not_found; out of its period → conflict (`not_active`); above the
   * member's level → forbidden.
   */
  async claim(member: User, id: string, levelIds: string[]): Promise<{ code: string }> {
    if (member.role !== 'member') throw new AppError('forbidden');
    if (!isUuid(id)) throw new AppError('not_found');
    const offer = await this.deps.db.selectFrom('member_offers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!offer) throw new AppError('not_found');
    const now = this.deps.clock.now();
    if (!levelIds.includes(offer.min_level)) throw new AppError('forbidden', { reason: 'level', minLevel: offer.min_level });
    const claimed = await this.deps.db.selectFrom('member_offer_claims').select('offer_id').where('offer_id', '=', id).where('member_id', '=', member.id).executeTakeFirst();
    if (claimed) return { code: offer.code };
    if (new Date(offer.starts_at) > now || new Date(offer.ends_at) <= now) throw new AppError('conflict', { reason: 'not_active' });
    await this.deps.db.insertInto('member_offer_claims').values({ offer_id: id, member_id: member.id, claimed_at: now }).onConflict((oc) => oc.columns(['offer_id', 'member_id']).doNothing()).execute();
    return { code: offer.code };
  }
}
