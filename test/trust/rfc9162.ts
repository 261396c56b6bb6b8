/**
 * An independent RFC 9162 (section 2.1) Merkle tree for the tests, written straight from the RFC's
 * recursive definitions over the full list of leaves: MTH, PATH and PROOF/SUBPROOF. It shares no
 * code with src/server/trust, so a served proof that matches it is right by the RFC, not merely
 * consistent with the server's own arithmetic.
 */
import { createHash } from 'node:crypto';

const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** k: the largest power of two smaller than n. */
function k(n: number): number {
  let p = 1;
  while (p << 1 < n) p <<= 1;
  return p;
}

/** MTH(D[n]). */
export function mth(d: Uint8Array[]): Buffer {
  if (d.length === 0) return sha();
  if (d.length === 1) return sha(Buffer.from([0]), d[0]);
  const s = k(d.length);
  return sha(Buffer.from([1]), mth(d.slice(0, s)), mth(d.slice(s)));
}

/** PATH(m, D[n]). */
export function path(m: number, d: Uint8Array[]): Buffer[] {
  if (d.length === 1) return [];
  const s = k(d.length);
  return m < s ? [...path(m, d.slice(0, s)), mth(d.slice(s))] : [...path(m - s, d.slice(s)), mth(d.slice(0, s))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
export function proof(m: number, d: Uint8Array[]): Buffer[] {
  return subproof(m, d, true);
}

function subproof(m: number, d: Uint8Array[], b: boolean): Buffer[] {
  const n = d.length;
  if (m === n) return b ? [] : [mth(d)];
  const s = k(n);
  return m <= s ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))] : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
}

/** Rebuilds the root from a leaf and its path by walking the same recursion (a second, independent check). */
export function rootFromPath(m: number, n: number, leaf: Uint8Array, p: Uint8Array[]): Buffer {
  const leafH = sha(Buffer.from([0]), leaf);
  const walk = (m: number, n: number, rest: Uint8Array[]): Buffer => {
    if (n === 1) return leafH;
    const s = k(n);
    const sibling = rest[rest.length - 1];
    const inner = rest.slice(0, -1);
    return m < s ? sha(Buffer.from([1]), walk(m, s, inner), sibling) : sha(Buffer.from([1]), sibling, walk(m - s, n - s, inner));
  };
  return walk(m, n, p);
}
