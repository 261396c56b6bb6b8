/**
 * The shipped lists as the server would load them on a fresh database, without a database: the
 * same preparation, curation and default actions. Used by unit tests and the benchmarks so they
 * measure exactly what ships.
 */
import { join } from 'node:path';
import { readShippedSutras } from '../citations/catalog';
import { normalizeText } from '../normalize';
import { SHIPPED_DATA_DIR } from '../paths';
import { ALLOW_SEED, DISTRESS_TERMS } from './curation';
import { TermMatcher } from './matcher';
import { prepareShippedTerms } from './prepare';
import { CATEGORIES } from './sources';
import type { TermEntry } from './types';

/**
 * Enabled shipped terms after every curation step and a matcher over them. `allCategories`
 * keeps categories whose default action is off (benchmarks measure the full lists).
 */
export function shippedMatcher(dataDir: string = SHIPPED_DATA_DIR, opts: { allCategories?: boolean } = {}): { matcher: TermMatcher; terms: TermEntry[] } {
  const sutras = readShippedSutras(join(dataDir, 'sutras')).map((d) => d.content);
  const actions = new Map(CATEGORIES.map((c) => [c.id, c.action]));
  const terms: TermEntry[] = [];
  prepareShippedTerms(join(dataDir, 'terms'), sutras).forEach((r, i) => {
    if (r.enabled && (opts.allCategories || actions.get(r.category) !== 'off')) terms.push({ id: i + 1, normalized: r.normalized, category: r.category });
  });
  const shields = [...ALLOW_SEED, ...DISTRESS_TERMS].map((t) => normalizeText(t));
  return { matcher: new TermMatcher({ terms, shields, actions }), terms };
}
