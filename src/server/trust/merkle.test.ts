/** The stored-subtree arithmetic against the RFC 9162 definitions (test/trust/rfc9162.ts), for every small tree. */
import { describe, expect, it } from 'vitest';
import { mth, path, proof } from '../../../test/trust/rfc9162';
import { chunksOf, consistencyRanges, foldChunks, inclusionRanges, leafHash, nodeHash, verifyConsistency, verifyInclusion, type LeafRange } from './merkle';

const N = 70;
const leaves = Array.from({ length: N }, (_, i) => Buffer.from(`leaf-${i}`));
// The stored form: every complete subtree, computed bottom-up from the leaves.
const stored = new Map<string, Buffer>();
leaves.forEach((l, i) => stored.set(`0:${i}`, leafHash(l)));
for (let level = 1; 2 ** level <= N; level++) {
  for (let idx = 0; (idx + 1) * 2 ** level <= N; idx++) stored.set(`${level}:${idx}`, nodeHash(stored.get(`${level - 1}:${2 * idx}`)!, stored.get(`${level - 1}:${2 * idx + 1}`)!));
}
const hashOf = (r: LeafRange) => foldChunks(chunksOf(r).map((k) => stored.get(`${k.level}:${k.idx}`)!));

describe('merkle (stored complete subtrees)', () => {
  it('roots, audit paths and consistency proofs equal the RFC definitions and pass the RFC verifiers', () => {
    for (let n = 1; n <= N; n++) {
      const d = leaves.slice(0, n);
      const root = hashOf([0, n]);
      expect(root.equals(mth(d))).toBe(true);
      for (let m = 0; m < n; m++) {
        const p = inclusionRanges(m, n).map(hashOf);
        expect(p.map((h) => h.toString('hex'))).toEqual(path(m, d).map((h) => h.toString('hex')));
        expect(verifyInclusion(m, n, leafHash(d[m]), p, root)).toBe(true);
        // Another leaf's hash, or a leaf index beyond the tree, does not verify.
        expect(verifyInclusion(m, n, leafHash(Buffer.from('x')), p, root)).toBe(false);
        expect(verifyInclusion(n, n, leafHash(d[m]), p, root)).toBe(false);
      }
      for (let m = 1; m <= n; m++) {
        const c = consistencyRanges(m, n).map(hashOf);
        expect(c.map((h) => h.toString('hex'))).toEqual(proof(m, d).map((h) => h.toString('hex')));
        expect(verifyConsistency(m, n, mth(leaves.slice(0, m)), root, c)).toBe(true);
        if (m < n) expect(verifyConsistency(m, n, mth(leaves.slice(1, m + 1)), root, c)).toBe(false);
      }
    }
  });

  it('reads O(log n) stored nodes for any proof', () => {
    const n = 1_000_003;
    for (const m of [0, 1, 500_000, 999_999, 1_000_002]) {
      const reads = inclusionRanges(m, n).flatMap((r) => chunksOf(r)).length;
      expect(reads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)));
    }
    expect(consistencyRanges(123_457, n).flatMap((r) => chunksOf(r)).length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)));
  });
});
