/**
 * Several corpus indexes answering as one: the configured corpus (large, built once and cached)
 * and the texts admins add (small, rebuilt on every change), so an admin's edit never rebuilds
 * the index of millions of characters.
 */
import type { SutraDoc } from './catalog';
import type { CorpusIndex, Hit, Scope } from './corpus-index';

/** What the verifier asks of an index. */
export type CitationIndex = Pick<CorpusIndex, 'exact' | 'closest' | 'documents' | 'size' | 'bytes'>;

export class IndexSet implements CitationIndex {
  constructor(private readonly parts: readonly CorpusIndex[]) {}

  /** An exact occurrence in any part. */
  exact(q: number[], scope: Scope): Hit | null {
    for (const p of this.parts) {
      const hit = p.exact(q, scope);
      if (hit) return hit;
    }
    return null;
  }

  /** The closest passage over all parts. */
  closest(q: number[], scope: Scope, candidates?: number): Hit | null {
    let best: Hit | null = null;
    for (const p of this.parts) {
      const hit = p.closest(q, scope, candidates);
      if (hit && (!best || hit.distance < best.distance)) best = hit;
      if (best?.distance === 0) break;
    }
    return best;
  }

  /** Every part's documents. */
  get documents(): SutraDoc[] {
    return this.parts.flatMap((p) => p.documents);
  }

  /** Total indexed code points. */
  get size(): number {
    return this.parts.reduce((n, p) => n + p.size, 0);
  }

  /** Bytes held by the parts' arrays. */
  get bytes(): number {
    return this.parts.reduce((n, p) => n + p.bytes, 0);
  }
}
