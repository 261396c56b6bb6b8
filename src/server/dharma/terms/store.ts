/**
 * The filter's data in the database: categories with their actions, terms (shipped and added by
 * admins, curated ones kept disabled with a reason) and the allow-list. Seeded from the shipped
 * lists on first start.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database';
import { AppError } from '../../http/errors';
import { normalizeText } from '../normalize';
import { ALLOW_SEED, curationContext, curationReason } from './curation';
import { CATEGORIES, readShippedTerms } from './sources';
import type { FilterAction, TermEntry } from './types';

export interface TermRow {
  id: number;
  term: string;
  normalized: string;
  category: string;
  enabled: boolean;
  source: string;
  note: string | null;
}

const SEVERITY = new Map(CATEGORIES.map((c, i) => [c.id, i]));

/** Loads the shipped lists into an empty database (once, whichever node starts first). */
export async function seedTerms(db: Db, termsDir: string): Promise<{ seeded: boolean; terms: number; curated: number }> {
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

    const rows = prepareShippedTerms(termsDir, allow);
    const curated = rows.filter((r) => r.note).length;
    const col = <K extends keyof PreparedTerm>(k: K) => rows.map((r) => r[k]);
    const cols = { term: col('term'), normalized: col('normalized'), category: col('category'), enabled: col('enabled'), source: col('source'), note: col('note') };
    await sql`INSERT INTO dharma_terms (term, normalized, category, enabled, source, note)
      SELECT * FROM unnest(${cols.term}::text[], ${cols.normalized}::text[], ${cols.category}::text[], ${cols.enabled}::bool[], ${cols.source}::text[], ${cols.note}::text[])`.execute(trx);
    return { seeded: true, terms: rows.length, curated };
  });
}

export interface PreparedTerm {
  term: string;
  normalized: string;
  category: string;
  enabled: boolean;
  source: string;
  note: string | null;
}

const preparedCache = new Map<string, PreparedTerm[]>();

/**
 * The shipped lists as rows: one per normalized term, in its most severe category, curated ones
 * disabled with their reason (computed once per process and list folder).
 */
export function prepareShippedTerms(termsDir: string, allow: readonly string[] = ALLOW_SEED): PreparedTerm[] {
  const cacheKey = `${termsDir}|${allow.length}`;
  const cached = preparedCache.get(cacheKey);
  if (cached) return cached;
  const byNorm = new Map<string, { term: string; category: string; source: string }>();
  for (const t of readShippedTerms(termsDir)) {
    const normalized = normalizeText(t.term);
    if (!normalized) continue;
    const prev = byNorm.get(normalized);
    if (!prev || SEVERITY.get(t.category)! < SEVERITY.get(prev.category)!) byNorm.set(normalized, t);
  }
  const ctx = curationContext(allow);
  const rows: PreparedTerm[] = [];
  for (const [normalized, t] of byNorm) {
    const note = curationReason({ normalized, category: t.category, source: t.source }, ctx);
    rows.push({ term: t.term, normalized, category: t.category, enabled: !note, source: t.source, note });
  }
  preparedCache.set(cacheKey, rows);
  return rows;
}

/**
 * Disables shipped terms that occur in the sutra corpus: the corpus is the best list of what a
 * Buddhist conversation legitimately contains. Ids come from the loaded matcher's scan.
 */
export async function curateByCorpus(db: Db, ids: number[]): Promise<number> {
  if (!ids.length) return 0;
  const r = await db
    .updateTable('dharma_terms')
    .set({ enabled: false, note: 'curated: occurs in the sutra corpus' })
    .where('id', 'in', ids)
    .where('source', '<>', 'admin')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Everything the matcher needs: enabled terms, allowed terms, category actions. */
export async function loadMatcherData(db: Db): Promise<{ terms: TermEntry[]; allow: string[]; actions: Map<string, FilterAction> }> {
  const [terms, allow, cats] = await Promise.all([
    db.selectFrom('dharma_terms').select(['id', 'normalized', 'category']).where('enabled', '=', true).orderBy('id').execute(),
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
export async function listCategories(db: Db) {
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
export async function listTerms(db: Db, q: { category?: string; search?: string; enabled?: boolean; limit: number; offset: number }) {
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
export async function listAllowed(db: Db) {
  const rows = await db.selectFrom('dharma_allow_terms').select(['id', 'term', 'normalized', 'source']).orderBy('id').execute();
  return rows.map((r) => ({ id: Number(r.id), term: r.term, normalized: r.normalized, source: r.source }));
}

/** Adds an allowed term. */
export async function addAllowed(db: Db, term: string) {
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
