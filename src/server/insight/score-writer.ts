/**
 * Stores sentiment scores in batches. Every scored message used to cost one UPDATE transaction of
 * its own, which made the worker, not the chat, the busiest writer under load (bench/: WAL write
 * waits on `update messages set sentiment_score`). Jobs that finish while a batch is being written
 * join the next one, so a quiet desk still writes at once and a busy one writes a few statements.
 *
 * Each message's claim stays individual: `sentiment_score IS NULL` in the statement, and the
 * RETURNING list says which messages this batch claimed (a duplicate job finds its id missing).
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';

interface Pending {
  messageId: string;
  score: number;
  resolve(claimed: boolean): void;
  reject(err: unknown): void;
}

/** The largest batch per statement: keeps the statement and its locks small. */
const MAX_BATCH = 500;

export class ScoreWriter {
  private queue: Pending[] = [];
  private writing = false;

  constructor(private readonly db: Db) {}

  /** Stores `score` on the message unless it already has one; true when this call stored it. */
  claim(messageId: string, score: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ messageId, score, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        // Start on the next microtask, so claims made in the same turn share the first statement.
        queueMicrotask(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const claimed = await this.write(batch);
          // A message queued twice in one batch: only its first job reports the claim.
          const reported = new Set<string>();
          for (const p of batch) {
            p.resolve(claimed.has(p.messageId) && !reported.has(p.messageId));
            reported.add(p.messageId);
          }
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(batch: Pending[]): Promise<Set<string>> {
    // One score per message even if a job was queued twice in the same batch.
    const byId = new Map(batch.map((p) => [p.messageId, p.score]));
    const values = sql.join([...byId].map(([id, score]) => sql`(${id}::uuid, ${score}::real)`));
    const result = await this.db.transaction().execute(async (tx) => {
      // A score is an annotation the worker can compute again, not a member's words: it need not
      // wait for its own WAL flush, which leaves the disk to the commits members wait on (acks).
      await sql`SET LOCAL synchronous_commit TO OFF`.execute(tx);
      return sql<{ id: string }>`
        UPDATE messages AS m SET sentiment_score = v.score
        FROM (VALUES ${values}) AS v(id, score)
        WHERE m.id = v.id AND m.sentiment_score IS NULL
        RETURNING m.id`.execute(tx);
    });
    return new Set(result.rows.map((r) => r.id));
  }
}
