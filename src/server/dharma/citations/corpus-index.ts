/**
 * A character-bigram index over the normalized corpus (one script, variants folded, punctuation
 * dropped, code points rather than UTF-16 units because some characters lie outside the BMP).
 * Exact lookups intersect on the quote's rarest bigram; near lookups vote on alignment diagonals
 * with the rarest bigrams and align only the best few windows (semi-global edit distance), never
 * scanning the corpus.
 *
 * Everything lives in a few typed arrays (compressed sparse rows), so a corpus of millions of
 * characters costs about 10 bytes a character and builds in one pass plus a radix sort:
 * - `text`: the corpus as dense character ids (0 = the boundary between documents);
 * - bigram (a, b) → `cols[rows[a] .. rows[a+1])` holds the sorted second ids b, and
 *   `positions[starts[k] .. starts[k+1])` the ascending positions of the k-th bigram;
 * - `origStart`: for each position, where its character starts in the document's original text
 *   (normalization maps one original character to whole output characters, so its end is the end
 *   of that original character).
 */
import { normalize, type NormalizeOptions } from '../normalize';
import type { SutraDoc } from './catalog';

/** How citations are normalized (both sides): one script, variant readings, no punctuation. */
export const CITATION_NORMALIZE: NormalizeOptions = { dropSeparators: true, collapseRepeats: false, variants: true };

/** Postings a near lookup reads at most (rarest bigrams first): bounds its cost on common words. */
const VOTE_BUDGET = 1024;

interface IndexedDoc {
  doc: SutraDoc;
  /** First global position of this document. */
  offset: number;
  length: number;
}

/** Which documents a lookup may answer from: the listed ones, or all but the listed ones. */
export interface Scope {
  ids: ReadonlySet<string>;
  inside: boolean;
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

/** Code points of a text normalized for citations. */
export function citationCodePoints(text: string): number[] {
  const n = normalize(text, CITATION_NORMALIZE);
  return Array.from(n.text, (c) => c.codePointAt(0)!);
}

/** The index's arrays, as `CorpusIndex.parts` gives them and the disk cache stores them. */
export interface IndexParts {
  /** Code points in id order (id k is alphabet[k - 1]). */
  alphabet: Uint32Array;
  /** [offset, length] of each document, in the order of the documents. */
  spans: Uint32Array;
  text: Uint16Array | Uint32Array;
  origStart: Uint32Array;
  rows: Uint32Array;
  cols: Uint16Array | Uint32Array;
  starts: Uint32Array;
  positions: Uint32Array;
}

export class CorpusIndex {
  private readonly docs: IndexedDoc[] = [];
  /** Code point → dense id (from 1). */
  private readonly idOf = new Map<number, number>();
  private readonly text: Uint16Array | Uint32Array;
  private readonly origStart: Uint32Array;
  private readonly rows: Uint32Array;
  private readonly cols: Uint16Array | Uint32Array;
  private readonly starts: Uint32Array;
  private readonly positions: Uint32Array;

  /** Builds the index of `docs`, or takes prebuilt `parts` of the same documents (the disk cache). */
  constructor(docs: readonly SutraDoc[], parts?: IndexParts) {
    if (parts) {
      parts.alphabet.forEach((cp, k) => this.idOf.set(cp, k + 1));
      docs.forEach((doc, d) => this.docs.push({ doc, offset: parts.spans[2 * d], length: parts.spans[2 * d + 1] }));
      ({ text: this.text, origStart: this.origStart, rows: this.rows, cols: this.cols, starts: this.starts, positions: this.positions } = parts);
      return;
    }
    // Pass 1: normalize one document at a time (its position map is large), assign ids, lay the
    // documents end to end with a boundary after each. Normalization rarely adds characters, so
    // the originals' length is the usual capacity.
    let capacity = docs.reduce((n, d) => n + d.content.length + 1, 0);
    let ids: Uint32Array = new Uint32Array(capacity);
    let origStart: Uint32Array = new Uint32Array(capacity);
    let pos = 0;
    for (const doc of docs) {
      const n = normalize(doc.content, CITATION_NORMALIZE);
      const offset = pos;
      for (let unit = 0; unit < n.text.length; ) {
        const cp = n.text.codePointAt(unit)!;
        let id = this.idOf.get(cp);
        if (id === undefined) this.idOf.set(cp, (id = this.idOf.size + 1));
        if (pos + 1 >= capacity) {
          capacity *= 2;
          ids = grow(ids, capacity);
          origStart = grow(origStart, capacity);
        }
        ids[pos] = id;
        origStart[pos++] = n.starts[unit];
        unit += cp > 0xffff ? 2 : 1;
      }
      this.docs.push({ doc, offset, length: pos - offset });
      ids[pos++] = 0;
    }
    const total = pos;
    ids = ids.subarray(0, total);
    const alphabet = this.idOf.size + 1;
    this.text = alphabet <= 0x10000 ? Uint16Array.from(ids) : ids.slice();
    this.origStart = origStart.slice(0, total);

    // Pass 2: every bigram's position, sorted by (first id, second id, position) with two stable
    // counting sorts (least significant key first); bigrams touching a boundary are left out.
    let n = 0;
    for (let i = 0; i + 1 < total; i++) if (ids[i] && ids[i + 1]) n++;
    const unsorted = new Uint32Array(n);
    n = 0;
    for (let i = 0; i + 1 < total; i++) if (ids[i] && ids[i + 1]) unsorted[n++] = i;
    const bySecond = countingSort(unsorted, (p) => ids[p + 1], alphabet);
    this.positions = countingSort(bySecond, (p) => ids[p], alphabet);

    // Pass 3: the rows (first id) and columns (second id) of the distinct bigrams.
    this.rows = new Uint32Array(alphabet + 1);
    const cols: number[] = [];
    const starts: number[] = [];
    let prevA = -1;
    let prevB = -1;
    for (let k = 0; k < this.positions.length; k++) {
      const p = this.positions[k];
      const a = ids[p];
      const b = ids[p + 1];
      if (a === prevA && b === prevB) continue;
      if (a !== prevA) for (let r = prevA + 1; r <= a; r++) this.rows[r] = cols.length;
      cols.push(b);
      starts.push(k);
      prevA = a;
      prevB = b;
    }
    for (let r = prevA + 1; r <= alphabet; r++) this.rows[r] = cols.length;
    starts.push(this.positions.length);
    this.cols = alphabet <= 0x10000 ? Uint16Array.from(cols) : Uint32Array.from(cols);
    this.starts = Uint32Array.from(starts);
  }

  /** The arrays that make the index (for the disk cache). */
  get parts(): IndexParts {
    const spans = new Uint32Array(this.docs.length * 2);
    this.docs.forEach((d, i) => spans.set([d.offset, d.length], 2 * i));
    return { alphabet: Uint32Array.from(this.idOf.keys()), spans, text: this.text, origStart: this.origStart, rows: this.rows, cols: this.cols, starts: this.starts, positions: this.positions };
  }

  /** The indexed documents. */
  get documents(): SutraDoc[] {
    return this.docs.map((d) => d.doc);
  }

  /** Total indexed code points. */
  get size(): number {
    return this.text.length - this.docs.length;
  }

  /** Bytes held by the index's arrays (the documents' own text not counted). */
  get bytes(): number {
    return this.text.byteLength + this.origStart.byteLength + this.rows.byteLength + this.cols.byteLength + this.starts.byteLength + this.positions.byteLength + this.idOf.size * 40;
  }

  /** An exact occurrence of `q` in the documents of `scope`, or null. */
  exact(q: number[], scope: Scope): Hit | null {
    if (q.length < 2) return null;
    const t = this.ids(q);
    if (!t) return null;
    const ranges = this.ranges(scope);
    // The quote's rarest bigram within the scope's documents is where it can start.
    let best = -1;
    let bestSlices: number[] = [];
    let bestCount = Infinity;
    for (let i = 0; i + 1 < t.length; i++) {
      const slices = this.slices(t[i], t[i + 1], ranges);
      let count = 0;
      for (let k = 0; k < slices.length; k += 2) count += slices[k + 1] - slices[k];
      if (count === 0) return null;
      if (count < bestCount) {
        best = i;
        bestSlices = slices;
        bestCount = count;
      }
    }
    for (let s = 0; s < bestSlices.length; s += 2) {
      for (let k = bestSlices[s]; k < bestSlices[s + 1]; k++) {
        const start = this.positions[k] - best;
        if (start < 0) continue;
        let ok = true;
        for (let j = 0; j < t.length && ok; j++) ok = this.text[start + j] === t[j];
        if (!ok) continue;
        const d = this.docAt(start)!;
        return this.hit(d, start - d.offset, start - d.offset + t.length, 0);
      }
    }
    return null;
  }

  /** The closest passage to `q` in the documents of `scope` (edit distance), or null if nothing is alike. */
  closest(q: number[], scope: Scope, candidates = 8): Hit | null {
    if (q.length < 2) return null;
    // Characters the corpus never uses get an id no text position has: they only cost edits.
    const t = q.map((c) => this.idOf.get(c) ?? -1);
    const ranges = this.ranges(scope);
    // The rarest bigrams vote first, until the budget of postings is spent.
    const grams: Array<{ i: number; slices: number[]; count: number }> = [];
    for (let i = 0; i + 1 < t.length; i++) {
      if (t[i] < 0 || t[i + 1] < 0) continue;
      const slices = this.slices(t[i], t[i + 1], ranges);
      let count = 0;
      for (let k = 0; k < slices.length; k += 2) count += slices[k + 1] - slices[k];
      if (count) grams.push({ i, slices, count });
    }
    if (!grams.length) return null;
    grams.sort((a, b) => a.count - b.count);
    // Diagonals (position - offset in the quote) of the votes, sorted so that equal ones are runs.
    const diags = new Int32Array(VOTE_BUDGET);
    let spent = 0;
    for (const g of grams) {
      for (let s = 0; s < g.slices.length && spent < VOTE_BUDGET; s += 2) {
        const to = Math.min(g.slices[s + 1], g.slices[s] + VOTE_BUDGET - spent);
        for (let k = g.slices[s]; k < to; k++) diags[spent++] = this.positions[k] - g.i;
      }
      if (spent >= VOTE_BUDGET) break;
    }
    const sorted = diags.subarray(0, spent).sort();
    const pad = Math.max(4, Math.ceil(q.length / 2));
    // Best diagonals first; nearby diagonals are one window (insertions and deletions shift them).
    // Rank only the strong diagonals: one vote is chance, and ranking them all costs more than the lookup.
    const runs: Array<[number, number]> = [];
    let max = 0;
    for (let k = 0; k < spent; ) {
      let e = k + 1;
      while (e < spent && sorted[e] === sorted[k]) e++;
      runs.push([sorted[k], e - k]);
      if (e - k > max) max = e - k;
      k = e;
    }
    const floor = max >= 2 ? Math.max(2, Math.floor(max / 2)) : 1;
    const strong: Array<[number, number]> = [];
    for (const e of runs) {
      if (e[1] >= floor) strong.push(e);
      if (floor === 1 && strong.length >= 64) break;
    }
    const ranked = strong.sort((a, b) => b[1] - a[1]);
    const chosen: number[] = [];
    for (const [diag] of ranked) {
      if (chosen.length >= candidates) break;
      if (chosen.some((c) => Math.abs(c - diag) <= pad)) continue;
      chosen.push(diag);
    }
    let best: Hit | null = null;
    for (const diag of chosen) {
      // The diagonal's document is that of the positions that voted for it (a quote that begins with
      // extra words has its diagonal before the document's start).
      let d: IndexedDoc | null = null;
      for (let i = 0; i < q.length && !d; i++) {
        const at = this.docAt(diag + i);
        if (at && inScope(at.doc, scope)) d = at;
      }
      if (!d) continue;
      const from = Math.max(d.offset, diag - pad);
      const to = Math.min(d.offset + d.length, diag + q.length + pad);
      const a = align(t, this.text, from, to);
      if (!best || a.distance < best.distance) best = this.hit(d, ...widen(a.start - d.offset, a.end - d.offset, q.length, d.length), a.distance);
      if (best.distance === 0) break;
    }
    return best;
  }

  /** The global position ranges [from, to) of the scope's documents, ascending, as a flat list. */
  private ranges(scope: Scope): number[] {
    const out: number[] = [];
    for (const d of this.docs) {
      if (inScope(d.doc, scope)) out.push(d.offset, d.offset + d.length);
    }
    return out;
  }

  /** Index ranges [from, to) in `positions` of the bigram (a, b) that fall within `ranges`, as a flat list. */
  private slices(a: number, b: number, ranges: number[]): number[] {
    const [from, to] = this.postings(a, b);
    const out: number[] = [];
    if (from === to) return out;
    for (let r = 0; r < ranges.length; r += 2) {
      const lo = this.lowerBound(from, to, ranges[r]);
      const hi = this.lowerBound(lo, to, ranges[r + 1]);
      if (hi > lo) out.push(lo, hi);
      if (hi === to) break;
    }
    return out;
  }

  /** The first index in positions[from, to) whose position is ≥ `pos`. */
  private lowerBound(from: number, to: number, pos: number): number {
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.positions[mid] < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The query as ids, or null when a character is not in the corpus (then it cannot be exact). */
  private ids(q: number[]): number[] | null {
    const out: number[] = [];
    for (const c of q) {
      const id = this.idOf.get(c);
      if (id === undefined) return null;
      out.push(id);
    }
    return out;
  }

  /** [from, to) in `positions` of the bigram (a, b). */
  private postings(a: number, b: number): [number, number] {
    let lo = this.rows[a];
    let hi = this.rows[a + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = this.cols[mid];
      if (c < b) lo = mid + 1;
      else if (c > b) hi = mid - 1;
      else return [this.starts[mid], this.starts[mid + 1]];
    }
    return [0, 0];
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
    const content = d.doc.content;
    const s = this.origStart[d.offset + Math.max(0, start)];
    const last = this.origStart[d.offset + Math.max(start, end - 1)];
    const e = last + (content.codePointAt(last)! > 0xffff ? 2 : 1);
    return { doc: d.doc, start, end, distance, passage: content.slice(s, e) };
  }
}

function inScope(doc: SutraDoc, scope: Scope): boolean {
  return scope.ids.has(doc.id) === scope.inside;
}

function grow(a: Uint32Array, capacity: number): Uint32Array {
  const b = new Uint32Array(capacity);
  b.set(a);
  return b;
}

/** A stable counting sort of `items` by `key(item)` in [0, range). */
function countingSort(items: Uint32Array, key: (item: number) => number, range: number): Uint32Array {
  const counts = new Uint32Array(range + 1);
  for (let i = 0; i < items.length; i++) counts[key(items[i]) + 1]++;
  for (let k = 1; k <= range; k++) counts[k] += counts[k - 1];
  const out = new Uint32Array(items.length);
  for (let i = 0; i < items.length; i++) out[counts[key(items[i])]++] = items[i];
  return out;
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
export function align(q: ArrayLike<number>, text: ArrayLike<number>, from: number, to: number): { distance: number; start: number; end: number } {
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
