/** Shared types of the content filter. */

/** What a category does to a message that contains one of its terms. */
export type FilterAction = 'block' | 'flag' | 'mask' | 'off';
export const FILTER_ACTIONS: readonly FilterAction[] = ['block', 'flag', 'mask', 'off'];

/** One enabled forbidden term as the matcher sees it. */
export interface TermEntry {
  id: number;
  normalized: string;
  category: string;
}

/** A term found in a message: where (original UTF-16 span), what and which category. */
export interface TermHit {
  term: string;
  category: string;
  action: FilterAction;
  start: number;
  end: number;
}

/** The filter's decision for one text. */
export interface FilterResult {
  /** The most severe outcome: block beats mask beats flag. */
  blocked: TermHit | null;
  masked: TermHit[];
  flagged: TermHit[];
  /** The text with masked spans replaced by ＊. */
  text: string;
}
