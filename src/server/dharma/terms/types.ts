/** Shared types of the content filter. */

import type { FilterHit } from '../../../shared/dharma';

// The wire shapes live in src/shared; re-exported so the filter's modules keep one import.
export { FILTER_ACTIONS, type FilterAction, type FilterResult } from '../../../shared/dharma';

/** One enabled forbidden term as the matcher sees it. */
export interface TermEntry {
  id: number;
  normalized: string;
  category: string;
}

/** A term found in a message (the wire's FilterHit). */
export type TermHit = FilterHit;
