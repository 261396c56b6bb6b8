/**
 * A compact Aho-Corasick automaton over UTF-16 code units: every occurrence of every pattern in a
 * text (overlapping and nested ones included) in one pass, whatever the number of patterns.
 *
 * Why not a library: `modern-ahocorasick` walks non-ASCII text grapheme cluster by grapheme
 * cluster (`Intl.Segmenter`), which makes matching, not normalization, the filter's cost (see
 * docs/decisions/008). Everything the term matcher sees is normalized first (NFKC, one script,
 * lower case, separators dropped; see dharma/normalize.ts), so plain code units are the right
 * unit: a well-formed pattern can only match at code point boundaries, and normalization keeps
 * only letters and digits (combining marks, emoji modifiers and joiners are dropped), so a
 * grapheme cluster there is (all but always) one code point.
 *
 * Layout (all typed arrays, built once, immutable): states are numbered breadth first, so the
 * children of a state are a contiguous run of state ids, `childStart[s] .. childStart[s + 1]`, in
 * ascending order of the code unit on their incoming edge (`label`): a child lookup is a binary
 * search over that run and needs no edge-target array. The root, whose fan-out is the whole
 * alphabet of first characters, has a direct 64K table instead. Failure links and output links
 * ("nearest state on the failure chain that ends a pattern") are precomputed, so reporting the
 * matches at a position walks only states that do end a pattern. Patterns that end at the same
 * state (duplicates) are chained in input order.
 *
 * Matches come out by end offset, then longest first, then duplicates in input order: the same
 * order as modern-ahocorasick's `search` with the default 'all' strategy.
 */

export interface AcPattern {
  pattern: string;
  data: number;
}

/** One occurrence: UTF-16 offsets into the text, end exclusive. */
export interface AcMatch {
  start: number;
  end: number;
  data: number;
}

export type AcVisitor = (start: number, end: number, data: number) => void;

export class Automaton {
  /** Number of non-empty patterns. */
  readonly patternCount: number;
  /** Number of trie states, root included. */
  readonly stateCount: number;

  /** Children of state s are the states childStart[s] .. childStart[s + 1] - 1 (length stateCount + 1). */
  private readonly childStart: Int32Array;
  /** Code unit on the edge into each state (label[0] is unused). */
  private readonly label: Uint16Array;
  /** Failure link: the state for the longest proper suffix of this state's string that is in the trie. */
  private readonly fail: Int32Array;
  /** s itself if a pattern ends at s, else the nearest such state on the failure chain, else 0. */
  private readonly outLink: Int32Array;
  /** First pattern (internal index) ending at a state, or -1. */
  private readonly head: Int32Array;
  /** Next pattern ending at the same state (a duplicate), or -1. */
  private readonly nextSame: Int32Array;
  /** Pattern length in code units, by internal index. */
  private readonly length: Int32Array;
  /** Caller's data, by internal index. */
  private readonly data: Float64Array;
  /** Children of the root by code unit (0: none; the root is never a child). */
  private readonly root: Int32Array;

  constructor(patterns: readonly AcPattern[]) {
    // Internal pattern indices: the non-empty patterns in input order (so duplicates chain in order).
    const strings: string[] = [];
    const dataList: number[] = [];
    let totalUnits = 0;
    for (const p of patterns) {
      if (!p.pattern) continue;
      strings.push(p.pattern);
      dataList.push(p.data);
      totalUnits += p.pattern.length;
    }
    const np = strings.length;
    this.patternCount = np;
    this.length = new Int32Array(np);
    this.data = Float64Array.from(dataList);
    this.nextSame = new Int32Array(np).fill(-1);
    for (let p = 0; p < np; p++) this.length[p] = strings[p].length;

    // Sorting the patterns (by code units, as `<` compares strings; the sort is stable) makes every
    // trie node a contiguous range of them, so the trie is built breadth first with no hash map:
    // a node's children are the runs of equal code units at its depth within its range.
    const order = new Int32Array(np);
    for (let p = 0; p < np; p++) order[p] = p;
    order.sort((a, b) => {
      const x = strings[a];
      const y = strings[b];
      return x < y ? -1 : x > y ? 1 : a - b;
    });

    const cap = totalUnits + 1; // at most one state per pattern code unit, plus the root
    const childStart = new Int32Array(cap + 1);
    const label = new Uint16Array(cap);
    const head = new Int32Array(cap).fill(-1);
    const rangeLo = new Int32Array(cap);
    const rangeHi = new Int32Array(cap);
    const depth = new Int32Array(cap);
    rangeHi[0] = np;
    let count = 1;
    for (let s = 0; s < count; s++) {
      const d = depth[s];
      let i = rangeLo[s];
      const hi = rangeHi[s];
      // Patterns that end here sort first in the range; chain them (equal strings, input order).
      let tail = -1;
      while (i < hi && strings[order[i]].length === d) {
        const p = order[i++];
        if (tail < 0) head[s] = p;
        else this.nextSame[tail] = p;
        tail = p;
      }
      childStart[s] = count;
      while (i < hi) {
        const c = strings[order[i]].charCodeAt(d);
        const lo = i;
        while (i < hi && strings[order[i]].charCodeAt(d) === c) i++;
        label[count] = c;
        depth[count] = d + 1;
        rangeLo[count] = lo;
        rangeHi[count] = i;
        count++;
      }
    }
    childStart[count] = count;
    this.stateCount = count;
    this.childStart = childStart.slice(0, count + 1);
    this.label = label.slice(0, count);
    this.head = head.slice(0, count);

    const root = new Int32Array(65536);
    for (let t = childStart[0]; t < childStart[1]; t++) root[label[t]] = t;
    this.root = root;

    // Failure and output links, breadth first: a state's failure target is shallower, so done.
    const fail = new Int32Array(count);
    const outLink = new Int32Array(count);
    for (let s = 0; s < count; s++) {
      for (let t = this.childStart[s]; t < this.childStart[s + 1]; t++) {
        let f = 0;
        if (s !== 0) {
          const c = this.label[t];
          for (let g = fail[s]; ; g = fail[g]) {
            const next = this.child(g, c);
            if (next !== 0) {
              f = next;
              break;
            }
            if (g === 0) break;
          }
        }
        fail[t] = f;
        outLink[t] = this.head[t] >= 0 ? t : outLink[f];
      }
    }
    this.fail = fail;
    this.outLink = outLink;
  }

  /** The child of `s` on code unit `c`, or 0. */
  private child(s: number, c: number): number {
    if (s === 0) return this.root[c];
    const label = this.label;
    let lo = this.childStart[s];
    let hi = this.childStart[s + 1];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const l = label[mid];
      if (l < c) lo = mid + 1;
      else if (l > c) hi = mid;
      else return mid;
    }
    return 0;
  }

  /**
   * Calls `visit(start, end, data)` for every occurrence, by end offset, then longest first, then
   * duplicates in input order. Allocates nothing; the callback runs only on matches.
   */
  forEach(text: string, visit: AcVisitor): void {
    const { childStart, label, fail, outLink, head, nextSame, length, data, root } = this;
    const n = text.length;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      // Goto with failure fallback; the child lookup is inlined (this loop is the whole cost).
      for (;;) {
        if (s === 0) {
          s = root[c];
          break;
        }
        let lo = childStart[s];
        let hi = childStart[s + 1];
        let next = 0;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          const l = label[mid];
          if (l < c) lo = mid + 1;
          else if (l > c) hi = mid;
          else {
            next = mid;
            break;
          }
        }
        if (next !== 0) {
          s = next;
          break;
        }
        s = fail[s];
      }
      for (let o = outLink[s]; o !== 0; o = outLink[fail[o]]) {
        for (let p = head[o]; p >= 0; p = nextSame[p]) visit(i + 1 - length[p], i + 1, data[p]);
      }
    }
  }

  /** Every occurrence, in the order of `forEach`. */
  search(text: string): AcMatch[] {
    const out: AcMatch[] = [];
    this.forEach(text, (start, end, data) => {
      out.push({ start, end, data });
    });
    return out;
  }

  /** Same as `search` (an array is iterable; no generator in the scan). */
  iterate(text: string): AcMatch[] {
    return this.search(text);
  }

  /** Bytes held in typed arrays (the automaton's whole footprint, give or take object headers). */
  get byteLength(): number {
    return (
      this.childStart.byteLength +
      this.label.byteLength +
      this.fail.byteLength +
      this.outLink.byteLength +
      this.head.byteLength +
      this.nextSame.byteLength +
      this.length.byteLength +
      this.data.byteLength +
      this.root.byteLength
    );
  }
}
