import { describe, expect, it } from 'vitest';
import { SerialBatcher } from './serial-batcher';

describe('SerialBatcher', () => {
  it('one write per turn, later calls share the next write, each caller gets its own result', async () => {
    const writes: number[][] = [];
    let release: () => void = () => {};
    const batcher = new SerialBatcher<number, number>(async (xs) => {
      writes.push(xs);
      if (writes.length === 1) await new Promise<void>((r) => (release = r));
      return xs.map((x) => x * 10);
    });
    const first = [1, 2, 3].map((x) => batcher.add(x));
    await new Promise((r) => setImmediate(r)); // the first write is running now
    const second = [4, 5].map((x) => batcher.add(x));
    release();
    expect(await Promise.all([...first, ...second])).toEqual([10, 20, 30, 40, 50]);
    expect(writes).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('a failed write rejects its own batch only, and caps the batch size', async () => {
    const batcher = new SerialBatcher<number, number>(async (xs) => {
      if (xs.includes(2)) throw new Error('bad batch');
      return xs;
    }, { maxBatch: 2 });
    const results = await Promise.allSettled([1, 2, 3, 4].map((x) => batcher.add(x)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
  });

  it('with a spacing, a quiet batcher writes at once and a busy one gathers what arrives within the spacing', async () => {
    const writes: Array<{ at: number; xs: number[] }> = [];
    const t0 = performance.now();
    const batcher = new SerialBatcher<number, number>(async (xs) => {
      writes.push({ at: performance.now() - t0, xs });
      return xs;
    }, { spacingMs: 60 });
    const first = batcher.add(1);
    await first;
    expect(writes[0].at).toBeLessThan(30); // nothing written before: no wait
    // Calls spread over the spacing all ride the second write, which waits for it to pass.
    const later: Promise<number>[] = [];
    for (let i = 2; i <= 5; i++) {
      later.push(batcher.add(i));
      await new Promise((r) => setTimeout(r, 5)); // the calls' spacing in time is the subject
    }
    await Promise.all(later);
    expect(writes.map((w) => w.xs)).toEqual([[1], [2, 3, 4, 5]]);
    expect(writes[1].at - writes[0].at).toBeGreaterThanOrEqual(58);
  });
});
