/**
 * A small HDR-style latency histogram: log-linear buckets (under 1.6% relative precision) over
 * microseconds, fixed memory whatever the number of samples, and mergeable across worker processes
 * (so percentiles are computed over every sample, never averaged from per-worker percentiles).
 */

/** Values below SUB µs are exact; above, each power of two has SUB/2 buckets. */
const SUB = 128;
const SUB_BITS = 7;
/** Values are clamped below 2^32 µs (71 minutes): plenty for any latency here. */
const MAX_VALUE = 2 ** 32 - 1;
const BUCKETS = SUB + (32 - SUB_BITS) * (SUB / 2);

export interface HistogramSnapshot {
  counts: number[];
  total: number;
  min: number;
  max: number;
  sum: number;
}

export class Histogram {
  private counts = new Float64Array(BUCKETS);
  total = 0;
  min = Infinity;
  max = 0;
  sum = 0;

  /** Records one value in microseconds (fractions are truncated). */
  record(us: number): void {
    const v = Math.max(0, Math.floor(us));
    this.counts[indexOf(v)]++;
    this.total++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** Records a duration given in milliseconds (performance.now() differences). */
  recordMs(ms: number): void {
    this.record(ms * 1000);
  }

  /** Adds another histogram's samples (from a snapshot sent by a worker). */
  merge(s: HistogramSnapshot): void {
    for (let i = 0; i < s.counts.length; i += 2) this.counts[s.counts[i]] += s.counts[i + 1];
    this.total += s.total;
    this.sum += s.sum;
    if (s.total) {
      this.min = Math.min(this.min, s.min);
      this.max = Math.max(this.max, s.max);
    }
  }

  /** A compact, JSON-safe copy (only non-empty buckets, as index/count pairs). */
  snapshot(): HistogramSnapshot {
    const counts: number[] = [];
    this.counts.forEach((c, i) => {
      if (c) counts.push(i, c);
    });
    return { counts, total: this.total, min: this.total ? this.min : 0, max: this.max, sum: this.sum };
  }

  /** The value (µs) at or below which `p` percent of the samples fall. */
  percentile(p: number): number {
    if (this.total === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.max, upperOf(i));
    }
    return this.max;
  }

  /** Percentiles in milliseconds with three decimals, for reports. */
  summaryMs(): { count: number; p50: number; p90: number; p99: number; max: number; mean: number } {
    const ms = (us: number) => Math.round(us) / 1000;
    return {
      count: this.total,
      p50: ms(this.percentile(50)),
      p90: ms(this.percentile(90)),
      p99: ms(this.percentile(99)),
      max: ms(this.max),
      mean: this.total ? ms(this.sum / this.total) : NaN,
    };
  }
}

/** Bucket of a value: exact below SUB, then SUB/2 buckets per power of two (~1.6% wide). */
function indexOf(v: number): number {
  if (v < SUB) return v;
  const x = Math.min(v, MAX_VALUE);
  const b = 31 - Math.clz32(x); // x < 2^32, so clz32 gives its bit length exactly
  const sub = x >>> (b - (SUB_BITS - 1)); // in [SUB/2, SUB)
  return SUB + (b - SUB_BITS) * (SUB / 2) + (sub - SUB / 2);
}

/** The largest value that falls into bucket `i`. */
function upperOf(i: number): number {
  if (i < SUB) return i;
  const k = i - SUB;
  const b = Math.floor(k / (SUB / 2)) + SUB_BITS;
  const sub = (k % (SUB / 2)) + SUB / 2;
  return (sub + 1) * 2 ** (b - (SUB_BITS - 1)) - 1;
}
