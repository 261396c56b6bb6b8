/**
 * The shipped lists prepared for the database: one row per normalized term, in its category of
 * highest precedence, curated ones disabled with their reason, including every term that occurs
 * in the shipped sutras (the best list there is of what a Buddhist conversation says).
 *
 * Preparing normalizes 87,000 lines; the result depends only on the shipped files and this code,
 * so it is computed once per process and kept in a cache file (a fresh test database or a new
 * node then starts without redoing it).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Term } from '../../../shared/dharma';
import { normalizeText } from '../normalize';
import { ALLOW_SEED, curationContext, curationReason, DISTRESS_TERMS } from './curation';
import { CATEGORIES, readShippedTerms } from './sources';

/** A term ready to insert: the wire's Term before the database gives it an id. */
export type PreparedTerm = Omit<Term, 'id'>;

/** Bump when the preparation or curation rules change (invalidates cache files). */
const PREPARE_VERSION = 3;
const PRECEDENCE = new Map(CATEGORIES.map((c, i) => [c.id, i]));
const memo = new Map<string, PreparedTerm[]>();

/** Prepared rows for the lists in `termsDir`, curated against the given sutra texts. */
export function prepareShippedTerms(termsDir: string, sutraTexts: readonly string[], allow: readonly string[] = ALLOW_SEED): PreparedTerm[] {
  const key = cacheKey(termsDir, sutraTexts, allow);
  const known = memo.get(key) ?? readCache(key);
  if (known) {
    memo.set(key, known);
    return known;
  }
  const byNorm = new Map<string, { term: string; category: string; source: string }>();
  for (const t of readShippedTerms(termsDir)) {
    const normalized = normalizeText(t.term);
    if (!normalized) continue;
    const prev = byNorm.get(normalized);
    if (!prev || PRECEDENCE.get(t.category)! < PRECEDENCE.get(prev.category)!) byNorm.set(normalized, t);
  }
  const ctx = curationContext(allow);
  const inCorpus = corpusLookup(sutraTexts.map((t) => normalizeText(t)));
  const rows: PreparedTerm[] = [];
  for (const [normalized, t] of byNorm) {
    const note = curationReason({ normalized, category: t.category, source: t.source }, ctx) ?? (inCorpus(normalized) ? 'curated: occurs in the sutra corpus' : null);
    rows.push({ term: t.term, normalized, category: t.category, enabled: !note, source: t.source, note });
  }
  memo.set(key, rows);
  writeCache(key, rows);
  return rows;
}

/**
 * Substring lookup in the corpus: every substring of up to 8 characters goes into a set (a few
 * hundred thousand strings for the shipped corpus); longer terms fall back to a search.
 */
function corpusLookup(texts: string[]): (term: string) => boolean {
  const MAX = 8;
  const grams = new Set<string>();
  for (const t of texts) {
    const cps = [...t];
    for (let i = 0; i < cps.length; i++) {
      let s = '';
      for (let k = 0; k < MAX && i + k < cps.length; k++) grams.add((s += cps[i + k]));
    }
  }
  return (term) => ([...term].length <= MAX ? grams.has(term) : texts.some((t) => t.includes(term)));
}

function cacheKey(termsDir: string, sutraTexts: readonly string[], allow: readonly string[]): string {
  const h = createHash('sha1').update(`v${PREPARE_VERSION}|${allow.join(',')}|${DISTRESS_TERMS.join(',')}|${JSON.stringify(CATEGORIES)}`);
  for (const t of sutraTexts) h.update(`|${t.length}:${createHash('sha1').update(t).digest('hex')}`);
  for (const file of listFiles(termsDir)) {
    const st = statSync(file);
    h.update(`|${file}:${st.size}:${st.mtimeMs}`);
  }
  return h.digest('hex');
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (e.name.endsWith('.txt')) out.push(p);
  }
  return out.sort();
}

const cachePath = (key: string) => join(tmpdir(), `lotusdesk-dharma-terms-${key}.json`);

function readCache(key: string): PreparedTerm[] | null {
  try {
    return JSON.parse(readFileSync(cachePath(key), 'utf8')) as PreparedTerm[];
  } catch {
    return null; // no cache yet (or unreadable): prepare from the lists
  }
}

function writeCache(key: string, rows: PreparedTerm[]): void {
  try {
    const tmp = `${cachePath(key)}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(rows));
    renameSync(tmp, cachePath(key)); // atomic: concurrent processes never read half a file
  } catch {
    /* a cache that cannot be written only costs the next start some time */
  }
}
