/**
 * The compiled term matcher: one Aho-Corasick automaton over the enabled forbidden terms and one
 * over allowed terms and words of distress, both on normalized text, so the cost of a check is
 * linear in the message length whatever the size of the lists.
 *
 * Admin edits do not rebuild the big automaton, so an edit costs the same whatever the size of the
 * lists: added terms go into a small delta automaton and removed ones into a set that is skipped
 * at match time, until the delta grows large enough to fold in (see docs/decisions/008).
 */
import { createHash } from 'node:crypto';
import { Automaton } from '../../lib/aho-corasick';
import { normalize, originalSpan, type Normalized } from '../normalize';
import type { FilterAction, TermEntry, TermHit } from './types';

type Ac = Automaton;

// Several servers in one process (tests, a multi-role node) with the same lists share one
// immutable automaton: it is built and held once, not once per server.
const shared = new Map<string, Ac>();

function compile(patterns: readonly string[]): Ac | null {
  if (!patterns.length) return null;
  if (patterns.length < 1000) return new Automaton(patterns.map((pattern, i) => ({ pattern, data: i })));
  const key = createHash('sha1').update(patterns.join('\n')).digest('hex');
  let ac = shared.get(key);
  if (!ac) {
    ac = new Automaton(patterns.map((pattern, i) => ({ pattern, data: i })));
    if (shared.size >= 2) shared.clear();
    shared.set(key, ac);
  }
  return ac;
}

const LATIN = /^[a-z0-9]+$/;

/** True when the original character at `i` is a Latin letter or digit (full-width included). */
function isWordChar(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  return /^[a-z0-9]$/i.test(text[i].normalize('NFKC'));
}

export interface MatcherInput {
  terms: TermEntry[];
  /** Normalized allowed terms and words of distress (they suppress what they cover). */
  shields: string[];
  actions: Map<string, FilterAction>;
}

export class TermMatcher {
  private readonly base: Ac | null;
  private readonly baseEntries: TermEntry[];
  private readonly baseIds: Set<number>;
  private delta: Ac | null = null;
  private deltaEntries: TermEntry[] = [];
  private removed = new Set<number>();
  private shield: Ac | null;
  private actions: Map<string, FilterAction>;

  constructor(input: MatcherInput) {
    this.baseEntries = input.terms;
    this.baseIds = new Set(input.terms.map((t) => t.id));
    this.base = compile(input.terms.map((t) => t.normalized));
    this.shield = compile(input.shields);
    this.actions = input.actions;
  }

  /** Number of terms currently matched. */
  get size(): number {
    return this.baseEntries.length - this.removed.size + this.deltaEntries.length;
  }

  /** How many entries live outside the base automaton (the caller rebuilds when this grows). */
  get drift(): number {
    return this.deltaEntries.length + this.removed.size;
  }

  /**
   * Brings the matcher to a new set of enabled terms without rebuilding the base automaton:
   * terms not in the base go to the delta automaton, base terms that are gone are skipped.
   */
  update(input: MatcherInput): void {
    const present = new Set<number>();
    const added: TermEntry[] = [];
    for (const t of input.terms) {
      present.add(t.id);
      if (!this.baseIds.has(t.id)) added.push(t);
    }
    const removed = new Set<number>();
    for (const id of this.baseIds) if (!present.has(id)) removed.add(id);
    this.deltaEntries = added;
    this.delta = compile(added.map((t) => t.normalized));
    this.removed = removed;
    this.shield = compile(input.shields);
    this.actions = input.actions;
  }

  /** Every listed term in the text that no allowed term covers, with its action (off excluded). */
  find(text: string, pre?: Normalized): TermHit[] {
    const n = pre ?? normalize(text);
    if (!n.text) return [];
    const scan: TermScan = { text, n, shields: null, hits: [] };
    this.collect(scan, this.base, this.baseEntries, true);
    this.collect(scan, this.delta, this.deltaEntries, false);
    return scan.hits;
  }

  private collect(scan: TermScan, ac: Ac | null, entries: TermEntry[], skipRemoved: boolean): void {
    if (!ac) return;
    const { text, n } = scan;
    ac.forEach(n.text, (start, end, data) => {
      const entry = entries[data];
      if (skipRemoved && this.removed.has(entry.id)) return;
      const action = this.actions.get(entry.category) ?? 'block';
      if (action === 'off' || this.covered(scan, start, end)) return;
      const span = originalSpan(n, start, end);
      // Latin-script terms match whole words only: "sb" is an insult, "this bracelet" is not.
      if (LATIN.test(entry.normalized) && (isWordChar(text, span.start - 1) || isWordChar(text, span.end))) return;
      scan.hits.push({ term: entry.normalized, category: entry.category, action, start: span.start, end: span.end });
    });
  }

  /** True when an allowed term covers [start, end). */
  private covered(scan: TermScan, start: number, end: number): boolean {
    // Most messages contain no listed term: look for shields only once there is something to shield.
    scan.shields ??= this.shield ? this.shield.search(scan.n.text) : [];
    return scan.shields.some((m) => m.start <= start && end <= m.end);
  }

}

/** One text being scanned (methods, not closures: this runs for every message). */
interface TermScan {
  text: string;
  n: Normalized;
  shields: Array<{ start: number; end: number }> | null;
  hits: TermHit[];
}
