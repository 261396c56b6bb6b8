/**
 * Verifies detected citations against the indexed corpus: which sutra the name means, whether the
 * quoted words are in it exactly, nearly (a few characters off) or not at all, and the authentic
 * passage closest to what was quoted. A name the corpus does not hold is never a misquote.
 */
import type { CitationResult, CitationStatus } from '../../../shared/dharma';
import { normalizeText } from '../normalize';
import { NOT_IN_CORPUS, PART_OF, type SutraDoc } from './catalog';
import { citationCodePoints, CorpusIndex, type Hit, type Scope } from './corpus-index';
import type { CitationIndex } from './index-set';
import { POPULAR_READINGS } from './popular-readings';
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
  readonly index: CitationIndex;
  readonly detector: CitationDetector;
  /** Name → the texts it may mean (several editions: 華嚴經 is T0278, T0279 and T0293). */
  private readonly byName = new Map<string, Target>();
  private readonly unknownNames: Set<string>;
  private readonly readings: Array<{ texts: Set<string>; popular: number[]; taisho: number[]; shown: { popular: string; taisho: string } }>;

  /** Indexes `docs`, or uses `index` when it was built (or read from disk) for exactly these documents. */
  constructor(docs: readonly SutraDoc[], index?: CitationIndex) {
    this.index = index ?? new CorpusIndex(docs);
    for (const doc of docs) {
      for (const name of new Set([doc.title, ...doc.aliases].map(nameKey))) {
        const t = this.byName.get(name);
        if (t) t.docs.push(doc);
        else this.byName.set(name, { docs: [doc], partial: doc.coverage === 'partial' });
      }
    }
    for (const [name, id] of Object.entries(PART_OF)) {
      const doc = docs.find((d) => d.id === id);
      if (doc && !this.byName.has(nameKey(name))) this.byName.set(nameKey(name), { docs: [doc], partial: true });
    }
    this.readings = POPULAR_READINGS.map((r) => ({ texts: new Set(r.texts), popular: citationCodePoints(r.popular), taisho: citationCodePoints(r.taisho), shown: { popular: r.popular, taisho: r.taisho } }));
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
    const sutra = ref(target.docs[0]);
    // An ellipsis marks omitted words: each part must be in the sutra.
    const parts = c.quote.split(/…+|\.{3,}|⋯+|——/).map((p) => citationCodePoints(p)).filter((p) => p.length >= MIN_QUOTE);
    if (!parts.length) return { ...base, status: 'too_short', sutra };
    let worst: CitationResult = { ...base, status: 'exact', sutra, distance: 0 };
    const passages: string[] = [];
    for (const q of parts) {
      const r = this.verifyPart(q, target);
      if (r.passage) passages.push(r.passage);
      if (rank(r.status) > rank(worst.status)) worst = { ...base, ...r, sutra: r.sutra ?? sutra };
      else if (worst.status === 'exact' && r.sutra) worst.sutra = r.sutra;
      else if (r.status === worst.status && (r.distance ?? 0) > (worst.distance ?? 0)) worst.distance = r.distance;
    }
    if (passages.length > 1 && worst.status === 'exact') worst.passage = passages.join('……');
    else if (!worst.passage && passages.length) worst.passage = passages[0];
    return worst;
  }

  private verifyPart(q: number[], target: Target): Omit<CitationResult, 'claimed' | 'quote'> {
    const inDoc: Scope = { ids: new Set(target.docs.map((d) => d.id)), inside: true };
    const outside: Scope = { ids: inDoc.ids, inside: false };
    const exact = this.index.exact(q, inDoc);
    if (exact) return { status: 'exact', distance: 0, passage: exact.passage, sutra: ref(exact.doc) };
    const variant = this.popularReading(q, target);
    if (variant) return variant;
    const near = this.index.closest(q, inDoc);
    const nearSutra = near ? ref(near.doc) : null;
    if (near && near.distance <= nearLimit(q.length)) return { status: 'near', distance: near.distance, passage: near.passage, sutra: nearSutra };
    const closest = near ? { distance: near.distance, passage: near.passage } : {};
    if (target.partial) return { status: 'not_in_corpus', ...closest, sutra: nearSutra };
    // The words may be authentic but from another sutra, or in no text of the corpus at all.
    const elsewhere: Hit | null = this.index.exact(q, outside) ?? nearEnough(this.index.closest(q, outside), q.length);
    if (elsewhere) {
      return { status: 'misattributed', distance: elsewhere.distance, passage: elsewhere.passage, foundIn: ref(elsewhere.doc), sutra: null };
    }
    return { status: 'misquote', ...closest, inCorpus: false, sutra: nearSutra };
  }

  /** A quote that matches its text once the reviewed popular readings are put back to the Taishō's. */
  private popularReading(q: number[], target: Target): Omit<CitationResult, 'claimed' | 'quote'> | null {
    const docIds = target.docs.map((d) => d.taisho ?? d.id);
    let text = q;
    const used: Array<{ popular: string; taisho: string }> = [];
    for (const r of this.readings) {
      if (!docIds.some((id) => r.texts.has(id))) continue;
      const at = indexOf(text, r.popular);
      if (at < 0) continue;
      text = [...text.slice(0, at), ...r.taisho, ...text.slice(at + r.popular.length)];
      used.push(r.shown);
    }
    if (!used.length) return null;
    const hit = this.index.exact(text, { ids: new Set(target.docs.map((d) => d.id)), inside: true });
    return hit ? { status: 'variant', distance: 0, passage: hit.passage, sutra: ref(hit.doc), readings: used } : null;
  }

  private resolve(name: string): Target | null {
    const k = nameKey(name);
    const direct = this.byName.get(k) ?? this.byName.get(k.replace(/^佛说/, ''));
    if (direct) return direct;
    if (this.unknownNames.has(k)) return null;
    return null;
  }
}

interface Target {
  docs: SutraDoc[];
  partial: boolean;
}

function ref(doc: SutraDoc): { id: string; title: string; taisho: string | null } {
  return { id: doc.id, title: doc.title, taisho: doc.taisho };
}

function indexOf(text: number[], part: number[]): number {
  outer: for (let i = 0; i + part.length <= text.length; i++) {
    for (let j = 0; j < part.length; j++) if (text[i + j] !== part[j]) continue outer;
    return i;
  }
  return -1;
}

function nearEnough(h: Hit | null, m: number): Hit | null {
  return h && h.distance <= nearLimit(m) ? h : null;
}

function rank(s: CitationStatus): number {
  return ['exact', 'variant', 'too_short', 'near', 'not_in_corpus', 'unknown_sutra', 'not_checked', 'misattributed', 'misquote'].indexOf(s);
}

function nameKey(name: string): string {
  return normalizeText(name, { collapseRepeats: false });
}
