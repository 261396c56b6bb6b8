/** The load generator's histogram: percentiles within its stated precision, and exact merging. */
import { describe, expect, it } from 'vitest';
import { Histogram } from './histogram';

describe('Histogram', () => {
  it('answers percentiles within 1.6% and keeps exact small values, min, max and mean', () => {
    const h = new Histogram();
    for (let v = 1; v <= 100_000; v++) h.record(v);
    for (const p of [50, 90, 99, 99.9]) {
      const exact = (p / 100) * 100_000;
      expect(Math.abs(h.percentile(p) - exact) / exact).toBeLessThan(0.016);
    }
    expect(h.percentile(100)).toBe(100_000);
    const small = new Histogram();
    [3, 7, 7, 42].forEach((v) => small.record(v));
    expect([small.percentile(25), small.percentile(50), small.percentile(100)]).toEqual([3, 7, 42]);
    expect(small.summaryMs()).toMatchObject({ count: 4, max: 0.042, mean: 0.015 });
  });

  it('merges snapshots from several workers as if every sample had been recorded in one', () => {
    const a = new Histogram();
    const b = new Histogram();
    const all = new Histogram();
    for (let i = 0; i < 5000; i++) {
      const v = (i * 7919) % 20_000;
      (i % 2 ? a : b).record(v);
      all.record(v);
    }
    const merged = new Histogram();
    merged.merge(JSON.parse(JSON.stringify(a.snapshot())));
    merged.merge(JSON.parse(JSON.stringify(b.snapshot())));
    expect(merged.summaryMs()).toEqual(all.summaryMs());
    expect(new Histogram().summaryMs().count).toBe(0);
  });

  it('clamps huge values instead of overflowing its buckets', () => {
    const h = new Histogram();
    h.record(5e12);
    expect(h.percentile(50)).toBe(2 ** 32 - 1);
  });
});
