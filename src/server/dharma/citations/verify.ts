/**
 * Verifies detected citations against the indexed corpus: which sutra the name means, whether the
 * quoted words are in it exactly, nearly (a few characters off) or not at all, and the authentic
 * passage closest to what was quoted. A name the corpus does not hold is never a misquote.
 */
import type { CitationResult, CitationStatus } from '../../../shared/dharma';
import { normalizeText } from '../normalize';
import { NOT_IN_CORPUS, PART_OF, type SutraDoc } from './catalog';
import { citationCodePoints, CorpusIndex, type Hit } from './corpus-index';
import { CitationDetector, type DetectedCitation } from './detect';

// The wire shapes live in src/shared; re-exported for the modules that import them from here.
export type { CitationResult, CitationStatus } from '../../../shared/dharma';

/** Quotes shorter than this (normalized) are too short to judge. */
export const MIN_QUOTE = 4;

/**
 * At most this many distinct citations of one message are verified; the rest are reported as
 * `not_checked` (marked for staff, never refused). Verifying one citation can search the whole
 * corpus, so an unbounded count would let one long message hold the event loop.
 */
export const MAX_VERIFIED_CITATIONS = 8;

/** How many edits still count as a near match of a quote of `m` characters. */
export function nearLimit(m: number): number {
  return Math.max(1, Math.floor(m / 8));
}

const FAILING: readonly CitationStatus[] = ['misquote', 'misattributed'];

/** True when a result means the quote is not in the sutra it names. */
export function isFailing(r: CitationResult): boolean {
  return FAILING.includes(r.status);
}

/** True when staff should look at a citation: not in the sutra it names, or not checked at all. */
export function isUnverified(r: CitationResult): boolean {
  return isFailing(r) || r.status === 'not_checked';
}

export class CitationVerifier {
  readonly index: CorpusIndex;
  readonly detector: CitationDetector;
  private readonly byName = new Map<string, { doc: SutraDoc; partial: boolean }>();
  private readonly unknownNames: Set<string>;

  constructor(docs: readonly SutraDoc[]) {
    this.index = new CorpusIndex(docs);
    for (const doc of docs) {
      for (const name of [doc.title, ...doc.aliases]) this.byName.set(nameKey(name), { doc, partial: doc.coverage === 'partial' });
    }
    for (const [name, id] of Object.entries(PART_OF)) {
      const doc = docs.find((d) => d.id === id);
      if (doc && !this.byName.has(nameKey(name))) this.byName.set(nameKey(name), { doc, partial: true });
    }
    this.unknownNames = new Set(NOT_IN_CORPUS.map(nameKey).filter((k) => !this.byName.has(k)));
    const names = [...docs.flatMap((d) => [d.title, ...d.aliases]), ...Object.keys(PART_OF), ...NOT_IN_CORPUS];
    this.detector = new CitationDetector(names);
  }

  /**
   * Detects the citations of a text and verifies them: identical citations (same sutra, same words
   * after normalization) once, and only the first `limit` distinct ones; the others are returned as
   * `not_checked`.
   */
  verifyText(text: string, limit = MAX_VERIFIED_CITATIONS): CitationResult[] {
    // Identical as written is cheap to tell; identical after normalization (script, punctuation)
    // costs a normalization, spent only while citations are still being verified.
    const written = new Set<string>();
    const normalized = new Set<string>();
    const out: CitationResult[] = [];
    let verified = 0;
    for (const c of this.detector.detect(text)) {
      const raw = `${c.name}\u0000${c.quote}`;
      if (written.has(raw)) continue;
      written.add(raw);
      if (verified < limit) {
        const key = `${nameKey(c.name)}\u0000${String.fromCodePoint(...citationCodePoints(c.quote))}`;
        if (normalized.has(key)) continue;
        normalized.add(key);
        verified++;
        out.push(this.verify(c));
      } else out.push({ claimed: c.name, quote: c.quote, status: 'not_checked', sutra: null });
    }
    return out;
  }

  /** Verifies one citation. */
  verify(c: DetectedCitation): CitationResult {
    const base = { claimed: c.name, quote: c.quote };
    const target = this.resolve(c.name);
    if (!target) return { ...base, status: 'unknown_sutra', sutra: null };
    const sutra = { id: target.doc.id, title: target.doc.title, taisho: target.doc.taisho };
    // An ellipsis marks omitted words: each part must be in the sutra.
    const parts = c.quote.split(/…+|\.{3,}|⋯+|——/).map((p) => citationCodePoints(p)).filter((p) => p.length >= MIN_QUOTE);
    if (!parts.length) return { ...base, status: 'too_short', sutra };
    let worst: CitationResult = { ...base, status: 'exact', sutra, distance: 0 };
    const passages: string[] = [];
    for (const q of parts) {
      const r = this.verifyPart(q, target.doc, target.partial);
      if (r.passage) passages.push(r.passage);
      if (rank(r.status) > rank(worst.status)) worst = { ...base, sutra, ...r };
      else if (r.status === worst.status && (r.distance ?? 0) > (worst.distance ?? 0)) worst.distance = r.distance;
    }
    if (passages.length > 1 && worst.status === 'exact') worst.passage = passages.join('……');
    else if (!worst.passage && passages.length) worst.passage = passages[0];
    return worst;
  }

  private verifyPart(q: number[], doc: SutraDoc, partial: boolean): Omit<CitationResult, 'claimed' | 'quote' | 'sutra'> {
    const inDoc = (d: SutraDoc) => d.id === doc.id;
    const exact = this.index.exact(q, inDoc);
    if (exact) return { status: 'exact', distance: 0, passage: exact.passage };
    const near = this.index.closest(q, inDoc);
    if (near && near.distance <= nearLimit(q.length)) return { status: 'near', distance: near.distance, passage: near.passage };
    // The words may be authentic but from another sutra.
    const elsewhere: Hit | null = this.index.exact(q, (d) => d.id !== doc.id) ?? nearEnough(this.index.closest(q, (d) => d.id !== doc.id), q.length);
    if (partial) return { status: 'not_in_corpus', ...(near ? { distance: near.distance, passage: near.passage } : {}) };
    if (elsewhere) {
      return { status: 'misattributed', distance: elsewhere.distance, passage: elsewhere.passage, foundIn: { id: elsewhere.doc.id, title: elsewhere.doc.title, taisho: elsewhere.doc.taisho } };
    }
    return { status: 'misquote', ...(near ? { distance: near.distance, passage: near.passage } : {}) };
  }

  private resolve(name: string): { doc: SutraDoc; partial: boolean } | null {
    const k = nameKey(name);
    const direct = this.byName.get(k) ?? this.byName.get(k.replace(/^佛说/, ''));
    if (direct) return direct;
    if (this.unknownNames.has(k)) return null;
    return null;
  }
}

function nearEnough(h: Hit | null, m: number): Hit | null {
  return h && h.distance <= nearLimit(m) ? h : null;
}

function rank(s: CitationStatus): number {
  return ['exact', 'too_short', 'near', 'not_in_corpus', 'unknown_sutra', 'not_checked', 'misattributed', 'misquote'].indexOf(s);
}

function nameKey(name: string): string {
  return normalizeText(name, { collapseRepeats: false });
}
