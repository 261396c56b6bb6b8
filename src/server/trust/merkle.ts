/**
 * The RFC 9162 (Certificate Transparency 2.0) Merkle tree, section 2.1: leaf hash
 * SHA-256(0x00 ‖ leaf), interior node SHA-256(0x01 ‖ left ‖ right), a tree of n > 1 leaves split
 * at k, the largest power of two smaller than n.
 *
 * Stored form: the hash of every complete subtree, keyed (level, idx), covering leaves
 * [idx·2^level, (idx+1)·2^level). Every range the RFC's recursion visits starts at a multiple of
 * the smallest power of two not below its length, so its hash folds O(log n) complete subtrees
 * (`chunksOf`); roots, inclusion paths and consistency proofs are lists of such ranges. Nothing
 * here touches storage: callers fetch the chunks the ranges name, then hash.
 *
 * The verifiers are the RFC's algorithms (2.1.3.2 and 2.1.4.2), used by the cron's consistency
 * check and by the offline bundle verifier.
 */
import { createHash } from 'node:crypto';

/** A complete subtree: 2^level leaves starting at idx·2^level. */
export interface NodeKey {
  level: number;
  idx: number;
}

/** A half-open range of leaf indexes [start, end). */
export type LeafRange = readonly [start: number, end: number];

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

/** RFC 9162 leaf hash of the leaf's bytes. */
export function leafHash(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF).update(leaf).digest();
}

/** RFC 9162 interior node hash. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

/** The hash of the empty tree (SHA-256 of nothing). */
export const EMPTY_ROOT = createHash('sha256').digest();

/** The largest power of two smaller than n (n > 1). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The node key of the stored node at (level, idx) as one string (map keys, SQL tuples). */
export const nodeId = (k: NodeKey): string => `${k.level}:${k.idx}`;

/** The complete subtrees, largest first, whose fold is the RFC hash of the range. */
export function chunksOf([start, end]: LeafRange): NodeKey[] {
  const out: NodeKey[] = [];
  let pos = start;
  while (pos < end) {
    let size = 1;
    let level = 0;
    // Grow while the doubled chunk still fits and stays aligned.
    while (size * 2 <= end - pos && pos % (size * 2) === 0) {
      size *= 2;
      level++;
    }
    out.push({ level, idx: pos / size });
    pos += size;
  }
  return out;
}

/** Folds the chunks of a range (from the right) into the range's RFC hash. */
export function foldChunks(hashes: Uint8Array[]): Buffer {
  if (hashes.length === 0) return EMPTY_ROOT;
  let acc: Buffer = Buffer.from(hashes[hashes.length - 1]);
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i], acc);
  return acc;
}

/** The ranges whose hashes form the audit path of leaf m in a tree of n leaves (RFC 9162 2.1.3.1). */
export function inclusionRanges(m: number, n: number): LeafRange[] {
  if (!(Number.isInteger(m) && Number.isInteger(n) && m >= 0 && m < n)) throw new RangeError(`no leaf ${m} in a tree of ${n}`);
  const out: LeafRange[] = [];
  const walk = (m: number, start: number, n: number) => {
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, start, k);
      out.push([start + k, start + n]);
    } else {
      walk(m - k, start + k, n - k);
      out.push([start, start + k]);
    }
  };
  walk(m, 0, n);
  return out;
}

/** The ranges whose hashes form the consistency proof from size m to size n (RFC 9162 2.1.4.1). */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  if (!(Number.isInteger(m) && Number.isInteger(n) && m > 0 && m <= n)) throw new RangeError(`no consistency proof from ${m} to ${n}`);
  const out: LeafRange[] = [];
  const sub = (m: number, start: number, n: number, complete: boolean) => {
    if (m === n) {
      if (!complete) out.push([start, start + n]);
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      sub(m, start, k, complete);
      out.push([start + k, start + n]);
    } else {
      sub(m - k, start + k, n - k, false);
      out.push([start, start + k]);
    }
  };
  sub(m, 0, n, true);
  return out;
}

const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;

/** RFC 9162 2.1.3.2: does `path` prove leaf `index` (hash `leaf`) in the tree of `size` with `root`? */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, path: Uint8Array[], root: Uint8Array): boolean {
  if (!(Number.isInteger(index) && Number.isInteger(size) && index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && eq(r, root);
}

/** RFC 9162 2.1.4.2: does `proof` show the tree of size `first` (root1) is a prefix of size `second` (root2)? */
export function verifyConsistency(first: number, second: number, root1: Uint8Array, root2: Uint8Array, proof: Uint8Array[]): boolean {
  if (!(Number.isInteger(first) && Number.isInteger(second) && first > 0 && first <= second)) return false;
  if (first === second) return proof.length === 0 && eq(root1, root2);
  let path = proof;
  // A first tree that is a complete subtree of the second is the proof's implicit first node.
  if (isPowerOfTwo(first)) path = [root1, ...path];
  if (path.length === 0) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && eq(fr, root1) && eq(sr, root2);
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}
