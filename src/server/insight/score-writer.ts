/**
 * Stores sentiment scores in batches, so that under load the chat, not the worker, stays the
 * busiest writer (see docs/decisions/006). Jobs that finish while a batch is being written join
 * the next one, so a quiet desk still writes at once and a busy one writes a few statements.
 *
 * Each message's claim stays individual: `sentiment_score IS NULL` in the statement, and the
 * RETURNING list says which messages this batch claimed (a duplicate job finds its id missing).
 */
import { sql } from 'kysely';
import { arrayLiteral } from '../db/array-literal';
import type { Db } from '../db/database';
import { SerialBatcher } from '../lib/serial-batcher';

/** The least time between two score writes of a node; a quiet node writes at once. */
export const SCORE_WRITE_SPACING_MS = 50;

interface Score {
  messageId: string;
  score: number;
}

export class ScoreWriter {
  private readonly batcher: SerialBatcher<Score, boolean>;

  constructor(private readonly db: Db) {
    // Nobody waits on a score's row (the frame and the listeners follow the claim), so writes are
    // spaced: a busy node writes a few score statements a second, not one per group commit.
    this.batcher = new SerialBatcher((scores) => this.write(scores), { spacingMs: SCORE_WRITE_SPACING_MS });
  }

  /** Stores `score` on the message unless it already has one; true when this call stored it. */
  claim(messageId: string, score: number): Promise<boolean> {
    return this.batcher.add({ messageId, score });
  }

  private async write(batch: Score[]): Promise<boolean[]> {
    // One score per message even if a job was queued twice in the same batch.
    const byId = new Map(batch.map((p) => [p.messageId, p.score]));
    // A score is an annotation the worker can compute again, not a member's words: it need not
    // wait for its own WAL flush, which leaves the disk to the commits members wait on (acks).
    // set_config(…, true) lasts until the end of this statement's own transaction, so the commit
    // that ends it is asynchronous, in one round trip: each round trip waits for a busy event loop.
    const result = await sql<{ id: string }>`
      WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true))
      UPDATE messages AS m SET sentiment_score = v.score
      FROM unnest(${arrayLiteral([...byId.keys()])}::uuid[], ${arrayLiteral([...byId.values()])}::real[]) AS v(id, score), relaxed
      WHERE m.id = v.id AND m.sentiment_score IS NULL
      RETURNING m.id`.execute(this.db);
    const claimed = new Set(result.rows.map((r) => r.id));
    // A message queued twice in one batch: only its first job reports the claim.
    const reported = new Set<string>();
    return batch.map((p) => {
      const first = claimed.has(p.messageId) && !reported.has(p.messageId);
      reported.add(p.messageId);
      return first;
    });
  }
}
