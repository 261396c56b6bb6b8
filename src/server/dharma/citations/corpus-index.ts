/**
 * A character-bigram index over the normalized corpus (one script, variants folded, punctuation
 * dropped, code points rather than UTF-16 units because some characters lie outside the BMP).
 * Exact lookups intersect on the quote's rarest bigram; near lookups vote on alignment diagonals
 * and align only the best few windows (semi-global edit distance), never scanning the corpus.
 */
import { normalize, type NormalizeOptions } from '../normalize';
import type { SutraDoc } from './catalog';

/** How citations are normalized (both sides): one script, variant readings, no punctuation. */
export const CITATION_NORMALIZE: NormalizeOptions = { dropSeparators: true, collapseRepeats: false, variants: true };

interface IndexedDoc {
  doc: SutraDoc;
  /** First global position of this document. */
  offset: number;
  length: number;
  /** For each code point of the normalized document: [start, end) in the original content. */
  origStart: Uint32Array;
  origEnd: Uint32Array;
}

export interface Hit {
  doc: SutraDoc;
  /** Code-point range in the normalized document. */
  start: number;
  end: number;
  distance: number;
  /** The authentic words in the corpus's original script and punctuation. */
  passage: string;
}

const key = (a: number, b: number) => a * 0x110000 + b;

/** Code points of a text normalized for citations. */
export function citationCodePoints(text: string): number[] {
  const n = normalize(text, CITATION_NORMALIZE);
  return Array.from(n.text, (c) => c.codePointAt(0)!);
}

export class CorpusIndex {
  private readonly docs: IndexedDoc[] = [];
  private readonly cps: Int32Array;
  private readonly postings = new Map<number, number[]>();

  constructor(docs: readonly SutraDoc[]) {
    const all: number[] = [];
    for (const doc of docs) {
      const n = normalize(doc.content, CITATION_NORMALIZE);
      const origStart: number[] = [];
      const origEnd: number[] = [];
      let unit = 0;
      for (const c of n.text) {
        all.push(c.codePointAt(0)!);
        origStart.push(n.starts[unit]);
        origEnd.push(n.ends[unit + c.length - 1]);
        unit += c.length;
      }
      this.docs.push({ doc, offset: all.length - origStart.length, length: origStart.length, origStart: Uint32Array.from(origStart), origEnd: Uint32Array.from(origEnd) });
      all.push(-1); // a boundary no bigram crosses
    }
    this.cps = Int32Array.from(all);
    for (let i = 0; i + 1 < this.cps.length; i++) {
      if (this.cps[i] < 0 || this.cps[i + 1] < 0) continue;
      const k = key(this.cps[i], this.cps[i + 1]);
      let list = this.postings.get(k);
      if (!list) this.postings.set(k, (list = []));
      list.push(i);
    }
  }

  /** The indexed documents. */
  get documents(): SutraDoc[] {
    return this.docs.map((d) => d.doc);
  }

  /** Total indexed code points. */
  get size(): number {
    return this.cps.length - this.docs.length;
  }

  /** An exact occurrence of `q` in the allowed documents, or null. */
  exact(q: number[], allow: (doc: SutraDoc) => boolean): Hit | null {
    if (q.length < 2) return null;
    let best = -1;
    let bestLen = Infinity;
    for (let i = 0; i + 1 < q.length; i++) {
      const len = this.postings.get(key(q[i], q[i + 1]))?.length ?? 0;
      if (len === 0) return null;
      if (len < bestLen) {
        bestLen = len;
        best = i;
      }
    }
    for (const p of this.postings.get(key(q[best], q[best + 1]))!) {
      const start = p - best;
      if (start < 0) continue;
      let ok = true;
      for (let j = 0; j < q.length && ok; j++) ok = this.cps[start + j] === q[j];
      if (!ok) continue;
      const d = this.docAt(start);
      if (!d || !allow(d.doc)) continue;
      return this.hit(d, start - d.offset, start - d.offset + q.length, 0);
    }
    return null;
  }

  /** The closest passage to `q` in the allowed documents (edit distance), or null if nothing is alike. */
  closest(q: number[], allow: (doc: SutraDoc) => boolean, candidates = 8): Hit | null {
    if (q.length < 2) return null;
    const votes = new Map<number, number>();
    for (let i = 0; i + 1 < q.length; i++) {
      const list = this.postings.get(key(q[i], q[i + 1]));
      if (!list) continue;
      for (const p of list) {
        const diag = p - i;
        votes.set(diag, (votes.get(diag) ?? 0) + 1);
      }
    }
    if (!votes.size) return null;
    const pad = Math.max(4, Math.ceil(q.length / 2));
    // Best diagonals first; nearby diagonals are one window (insertions and deletions shift them).
    // Common bigrams give tens of thousands of one-vote diagonals: rank only the strong ones.
    let max = 0;
    for (const v of votes.values()) if (v > max) max = v;
    const floor = max >= 2 ? Math.max(2, Math.floor(max / 2)) : 1;
    const strong: Array<[number, number]> = [];
    for (const e of votes) {
      if (e[1] >= floor) strong.push(e);
      if (floor === 1 && strong.length >= 64) break;
    }
    const ranked = strong.sort((a, b) => b[1] - a[1]);
    const chosen: number[] = [];
    for (const [diag] of ranked) {
      if (chosen.length >= candidates) break;
      if (chosen.some((c) => Math.abs(c - diag) <= pad)) continue;
      const d = this.docAt(Math.max(diag, 0));
      if (!d || !allow(d.doc)) continue;
      chosen.push(diag);
    }
    let best: Hit | null = null;
    for (const diag of chosen) {
      const d = this.docAt(Math.max(diag, 0))!;
      const from = Math.max(d.offset, diag - pad);
      const to = Math.min(d.offset + d.length, diag + q.length + pad);
      const a = align(q, this.cps, from, to);
      if (!best || a.distance < best.distance) best = this.hit(d, ...widen(a.start - d.offset, a.end - d.offset, q.length, d.length), a.distance);
      if (best.distance === 0) break;
    }
    return best;
  }

  private docAt(pos: number): IndexedDoc | null {
    let lo = 0;
    let hi = this.docs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const d = this.docs[mid];
      if (pos < d.offset) hi = mid - 1;
      else if (pos >= d.offset + d.length) lo = mid + 1;
      else return d;
    }
    return null;
  }

  private hit(d: IndexedDoc, start: number, end: number, distance: number): Hit {
    const s = d.origStart[Math.max(0, start)];
    const e = d.origEnd[Math.max(start, end - 1)];
    return { doc: d.doc, start, end, distance, passage: d.doc.content.slice(s, e) };
  }
}

/** A span of at least `m` code points around [start, end) within [0, length): a misquote's passage reads whole. */
function widen(start: number, end: number, m: number, length: number): [number, number] {
  if (end - start >= m) return [start, end];
  const s = Math.max(0, Math.min(start - Math.floor((m - (end - start)) / 2), length - m));
  return [s, Math.min(length, s + m)];
}

/**
 * Semi-global alignment (Sellers): the substring of text[from, to) with the least edit distance to
 * the whole of `q`. Two rows, O(|q| × window).
 */
export function align(q: number[], text: Int32Array | number[], from: number, to: number): { distance: number; start: number; end: number } {
  const w = to - from;
  let prev = new Int32Array(w + 1);
  let prevStart = new Int32Array(w + 1);
  for (let j = 0; j <= w; j++) prevStart[j] = j;
  let cur = new Int32Array(w + 1);
  let curStart = new Int32Array(w + 1);
  for (let i = 1; i <= q.length; i++) {
    cur[0] = i;
    curStart[0] = 0;
    for (let j = 1; j <= w; j++) {
      const sub = prev[j - 1] + (q[i - 1] === text[from + j - 1] ? 0 : 1);
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      if (sub <= del && sub <= ins) {
        cur[j] = sub;
        curStart[j] = prevStart[j - 1];
      } else if (del <= ins) {
        cur[j] = del;
        curStart[j] = prevStart[j];
      } else {
        cur[j] = ins;
        curStart[j] = curStart[j - 1];
      }
    }
    [prev, cur] = [cur, prev];
    [prevStart, curStart] = [curStart, prevStart];
  }
  // Among equally good ends, prefer the span whose length is closest to the quote's.
  let bestJ = 0;
  const lenOff = (j: number) => Math.abs(j - prevStart[j] - q.length);
  for (let j = 1; j <= w; j++) if (prev[j] < prev[bestJ] || (prev[j] === prev[bestJ] && lenOff(j) < lenOff(bestJ))) bestJ = j;
  return { distance: prev[bestJ], start: from + prevStart[bestJ], end: from + Math.max(bestJ, prevStart[bestJ] + 1) };
}
