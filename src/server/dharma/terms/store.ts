/**
 * The filter's data in the database: categories with their actions, terms (shipped and added by
 * admins, curated ones kept disabled with a reason) and the allow-list. Seeded from the shipped
 * lists on first start.
 */
import { sql } from 'kysely';
import type { AllowedTerm, Category, Term } from '../../../shared/dharma';
import type { Db } from '../../db/database';
import { AppError } from '../../core/errors';
import { normalizeText } from '../normalize';
import { ALLOW_SEED } from './curation';
import { prepareShippedTerms, type PreparedTerm } from './prepare';
import { CATEGORIES } from './sources';
import type { FilterAction, TermEntry } from './types';

/** A stored term as the API presents it. */
export type TermRow = Term;


/** Loads the shipped lists into an empty database (once, whichever node starts first). */
export async function seedTerms(db: Db, termsDir: string, sutraTexts: readonly string[]): Promise<{ seeded: boolean; terms: number; curated: number }> {
  return db.transaction().execute(async (trx) => {
    // One node seeds; the others wait on the lock and then find the rows there.
    await sql`LOCK TABLE dharma_categories IN EXCLUSIVE MODE`.execute(trx);
    const existing = await trx.selectFrom('dharma_categories').select('id').limit(1).execute();
    if (existing.length) return { seeded: false, terms: 0, curated: 0 };
    await trx.insertInto('dharma_categories').values(CATEGORIES.map((c, i) => ({ id: c.id, name: c.name, action: c.action, position: i }))).execute();

    const allow = [...new Set(ALLOW_SEED)];
    const allowNorm = allow.map((t) => normalizeText(t));
    await sql`INSERT INTO dharma_allow_terms (term, normalized, source)
      SELECT * FROM unnest(${allow}::text[], ${allowNorm}::text[], ${allow.map(() => 'seed')}::text[]) ON CONFLICT (normalized) DO NOTHING`.execute(trx);

    const rows = prepareShippedTerms(termsDir, sutraTexts, allow);
    const curated = rows.filter((r) => r.note).length;
    const col = <K extends keyof PreparedTerm>(k: K) => rows.map((r) => r[k]);
    const cols = { term: col('term'), normalized: col('normalized'), category: col('category'), enabled: col('enabled'), source: col('source'), note: col('note') };
    await sql`INSERT INTO dharma_terms (term, normalized, category, enabled, source, note)
      SELECT * FROM unnest(${cols.term}::text[], ${cols.normalized}::text[], ${cols.category}::text[], ${cols.enabled}::bool[], ${cols.source}::text[], ${cols.note}::text[])`.execute(trx);
    return { seeded: true, terms: rows.length, curated };
  });
}

/** Everything the matcher needs: enabled terms, allowed terms, category actions. */
export async function loadMatcherData(db: Db): Promise<{ terms: TermEntry[]; allow: string[]; actions: Map<string, FilterAction> }> {
  const [terms, allow, cats] = await Promise.all([
    // Categories switched off are not compiled at all (switching one on reloads).
    db
      .selectFrom('dharma_terms as t')
      .innerJoin('dharma_categories as c', 'c.id', 't.category')
      .select(['t.id', 't.normalized', 't.category'])
      .where('t.enabled', '=', true)
      .where('c.action', '<>', 'off')
      .orderBy('t.id')
      .execute(),
    db.selectFrom('dharma_allow_terms').select('normalized').execute(),
    db.selectFrom('dharma_categories').select(['id', 'action']).execute(),
  ]);
  return {
    terms: terms.map((t) => ({ id: Number(t.id), normalized: t.normalized, category: t.category })),
    allow: allow.map((a) => a.normalized),
    actions: new Map(cats.map((c) => [c.id, c.action])),
  };
}

/** Categories with their actions and term counts. */
export async function listCategories(db: Db): Promise<Category[]> {
  const rows = await db
    .selectFrom('dharma_categories as c')
    .leftJoin('dharma_terms as t', (j) => j.onRef('t.category', '=', 'c.id').on('t.enabled', '=', true))
    .select(['c.id', 'c.name', 'c.action', 'c.position', (eb) => eb.fn.count<number>('t.id').as('terms')])
    .groupBy(['c.id', 'c.name', 'c.action', 'c.position'])
    .orderBy('c.position')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, action: r.action, terms: Number(r.terms) }));
}

/** Sets a category's action. */
export async function setCategoryAction(db: Db, id: string, action: FilterAction): Promise<void> {
  const r = await db.updateTable('dharma_categories').set({ action }).where('id', '=', id).executeTakeFirst();
  if (!r.numUpdatedRows) throw new AppError('not_found', { category: id });
}

/** Terms, filtered by category, search text and state, paged. */
export async function listTerms(db: Db, q: { category?: string; search?: string; enabled?: boolean; limit: number; offset: number }): Promise<{ terms: Term[]; hasMore: boolean }> {
  let query = db.selectFrom('dharma_terms').select(['id', 'term', 'normalized', 'category', 'enabled', 'source', 'note']);
  if (q.category) query = query.where('category', '=', q.category);
  if (q.enabled !== undefined) query = query.where('enabled', '=', q.enabled);
  if (q.search) {
    const s = normalizeText(q.search);
    query = query.where((eb) => eb.or([eb('term', 'like', `%${escapeLike(q.search!)}%`), eb('normalized', 'like', `%${escapeLike(s)}%`)]));
  }
  const rows = await query.orderBy('id').limit(q.limit + 1).offset(q.offset).execute();
  return { terms: rows.slice(0, q.limit).map(presentTerm), hasMore: rows.length > q.limit };
}

/** Adds a term (or re-enables and moves an existing one to the category). */
export async function addTerm(db: Db, term: string, category: string): Promise<TermRow> {
  const normalized = normalizeText(term);
  if ([...normalized].length < 2) throw new AppError('invalid', { field: 'term', reason: 'at least two letters or digits after normalization' });
  const cat = await db.selectFrom('dharma_categories').select('id').where('id', '=', category).executeTakeFirst();
  if (!cat) throw new AppError('invalid', { field: 'category', reason: 'unknown category' });
  const row = await db
    .insertInto('dharma_terms')
    .values({ term, normalized, category, enabled: true, source: 'admin', note: null })
    .onConflict((oc) => oc.column('normalized').doUpdateSet({ term, category, enabled: true, note: null }))
    .returning(['id', 'term', 'normalized', 'category', 'enabled', 'source', 'note'])
    .executeTakeFirstOrThrow();
  return presentTerm(row);
}

/** Disables a term (kept with a note, so the curation history stays visible). */
export async function removeTerm(db: Db, id: number, by: string): Promise<void> {
  const r = await db.updateTable('dharma_terms').set({ enabled: false, note: `removed by ${by}` }).where('id', '=', id).executeTakeFirst();
  if (!r.numUpdatedRows) throw new AppError('not_found');
}

/** The allow-list. */
export async function listAllowed(db: Db): Promise<AllowedTerm[]> {
  const rows = await db.selectFrom('dharma_allow_terms').select(['id', 'term', 'normalized', 'source']).orderBy('id').execute();
  return rows.map((r) => ({ id: Number(r.id), term: r.term, normalized: r.normalized, source: r.source }));
}

/** Adds an allowed term. */
export async function addAllowed(db: Db, term: string): Promise<AllowedTerm> {
  const normalized = normalizeText(term);
  if (!normalized) throw new AppError('invalid', { field: 'term', reason: 'no letters or digits' });
  const row = await db
    .insertInto('dharma_allow_terms')
    .values({ term, normalized, source: 'admin' })
    .onConflict((oc) => oc.column('normalized').doUpdateSet({ term }))
    .returning(['id', 'term', 'normalized', 'source'])
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), term: row.term, normalized: row.normalized, source: row.source };
}

/** Removes an allowed term. */
export async function removeAllowed(db: Db, id: number): Promise<void> {
  const r = await db.deleteFrom('dharma_allow_terms').where('id', '=', id).executeTakeFirst();
  if (!r.numDeletedRows) throw new AppError('not_found');
}

function presentTerm(r: { id: number | string; term: string; normalized: string; category: string; enabled: boolean; source: string; note: string | null }): TermRow {
  return { id: Number(r.id), term: r.term, normalized: r.normalized, category: r.category, enabled: r.enabled, source: r.source, note: r.note };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
