/**
 * The shipped lists as the server would load them on a fresh database, without a database: the
 * same preparation, curation, default actions and corpus curation. Used by unit tests and the
 * benchmarks so they measure exactly what ships.
 */
import { join } from 'node:path';
import { readShippedSutras } from '../citations/catalog';
import { normalizeText } from '../normalize';
import { SHIPPED_DATA_DIR } from '../paths';
import { ALLOW_SEED, DISTRESS_TERMS } from './curation';
import { TermMatcher } from './matcher';
import { CATEGORIES } from './sources';
import { prepareShippedTerms } from './store';
import type { TermEntry } from './types';

/** Enabled shipped terms after every curation step, and a matcher over them. */
export function shippedMatcher(dataDir: string = SHIPPED_DATA_DIR): { matcher: TermMatcher; terms: TermEntry[] } {
  const rows = prepareShippedTerms(join(dataDir, 'terms'));
  const all: TermEntry[] = [];
  rows.forEach((r, i) => r.enabled && all.push({ id: i + 1, normalized: r.normalized, category: r.category }));
  const actions = new Map(CATEGORIES.map((c) => [c.id, c.action]));
  const shields = [...ALLOW_SEED, ...DISTRESS_TERMS].map((t) => normalizeText(t));
  const matcher = new TermMatcher({ terms: all, shields, actions });
  const inCorpus = new Set(matcher.occurringIn(readShippedSutras(join(dataDir, 'sutras')).map((d) => d.content)));
  const terms = all.filter((t) => !inCorpus.has(t.id));
  matcher.update({ terms, shields, actions });
  return { matcher, terms };
}
