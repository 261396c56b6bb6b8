/**
 * The content filter: a ContentCheck on the message pipeline. Block refuses the message with
 * `forbidden_content` and its category; mask replaces the term with ＊ in the stored text; flag
 * stores the message with a `content` flag that supervisors review. Words of distress are never
 * refused (they shield what they cover).
 */
import type { Db } from '../db/database';
import type { CheckVerdict, ContentCheck, MessageDraft } from '../chat/pipeline-types';
import type { MessageFlag } from '../../shared/protocol';
import { maskSpans, normalize, normalizeText } from './normalize';
import { DISTRESS_TERMS } from './terms/curation';
import { TermMatcher, type MatcherInput } from './terms/matcher';
import { loadMatcherData } from './terms/store';
import type { FilterResult, TermHit } from './terms/types';

/** Above this many edits outside the base automaton, reloading rebuilds it. */
const REBUILD_DRIFT = 2000;

export class ContentFilter {
  private matcher: TermMatcher | null = null;
  private loading: Promise<void> | null = null;
  private readonly distress = DISTRESS_TERMS.map((t) => normalizeText(t));

  constructor(private readonly db: Db) {}

  /** Loads (or reloads) the terms from the database; the first call builds the automaton. */
  async reload(): Promise<void> {
    const run = async () => {
      const data = await loadMatcherData(this.db);
      this.apply({ terms: data.terms, shields: [...data.allow, ...this.distress], actions: data.actions });
    };
    // Reloads queue behind each other so the last one wins.
    this.loading = (this.loading ?? Promise.resolve()).then(run, run);
    return this.loading;
  }

  private apply(input: MatcherInput): void {
    if (!this.matcher) this.matcher = new TermMatcher(input);
    else this.matcher.update(input);
    if (this.matcher.drift > REBUILD_DRIFT) this.matcher = new TermMatcher(input);
  }

  /** Number of enabled terms being matched. */
  get size(): number {
    return this.matcher?.size ?? 0;
  }

  /** Applies the filter to a text. */
  async check(text: string): Promise<FilterResult> {
    if (!this.matcher) await (this.loading ?? this.reload());
    return this.checkLoaded(text);
  }

  /** The same, synchronously, once loaded (benchmarks and hot paths). */
  checkLoaded(text: string): FilterResult {
    const hits = this.matcher!.find(text, normalize(text));
    return decideFilter(text, hits);
  }

  /** The pipeline check. */
  asContentCheck(): ContentCheck {
    return {
      name: 'dharma.filter',
      check: async (draft: MessageDraft): Promise<CheckVerdict> => {
        const r = await this.check(draft.text);
        if (r.blocked) {
          return {
            ok: false,
            refusal: { code: 'forbidden_content', message: '', details: { category: r.blocked.category } },
          };
        }
        const flags: MessageFlag[] = [];
        if (r.flagged.length) {
          flags.push({ kind: 'content', detail: { categories: [...new Set(r.flagged.map((h) => h.category))], terms: [...new Set(r.flagged.map((h) => h.term))] } });
        }
        if (r.masked.length) flags.push({ kind: 'masked', detail: { categories: [...new Set(r.masked.map((h) => h.category))], count: r.masked.length } });
        return { ok: true, ...(r.masked.length ? { text: r.text } : {}), ...(flags.length ? { flags } : {}) };
      },
    };
  }
}

/** Turns hits into the decision: block beats mask beats flag. */
export function decideFilter(text: string, hits: TermHit[]): FilterResult {
  const blocked = hits.find((h) => h.action === 'block') ?? null;
  const masked = hits.filter((h) => h.action === 'mask');
  const flagged = hits.filter((h) => h.action === 'flag');
  return { blocked, masked, flagged, text: masked.length ? maskSpans(text, masked) : text };
}
