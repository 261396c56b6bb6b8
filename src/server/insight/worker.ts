/**
 * The analysis worker. New member text messages become `messages.analyze` jobs, one per group
 * commit (job id from the first message, so enqueueing twice queues once); the worker role scores
 * each message, stores
 * `messages.sentiment_score`, pushes a `sentiment` frame to the people serving the chat, feeds the
 * desk's priority, and tells listeners (the compassion reply) — never on the send path.
 *
 * Idempotence: storing the score is also the claim (`WHERE sentiment_score IS NULL`), so a
 * duplicate or late retry of a job that already succeeded does nothing. If a step after the claim
 * fails, the claim is released and the error rethrown, so the bus retries the whole job.
 */
import type { Audience, JobMap } from '../../shared/bus-events';
import type { SentimentFrame } from '../../shared/frames';
import type { MessageDto, Role } from '../../shared/protocol';
import type { Bus } from '../bus/bus';
import type { ChatFacts } from '../chat/message-store';
import type { Reaction } from '../chat/pipeline-types';
import type { Db } from '../db/database';
import { SerialBatcher } from '../lib/serial-batcher';
import { ScoreWriter } from './score-writer';
import type { Scorer } from './scoring-pool';

/** A scored member message, as listeners receive it. */
export interface ScoredMessage {
  id: string;
  chatId: string;
  text: string;
  senderRole: Role;
}

/** Called once per scored message (again only if the job is retried after a failure). */
export type ScoredListener = (message: ScoredMessage, score: number) => Promise<void> | void;

export interface WorkerDeps {
  db: Db;
  bus: Bus;
  /** Publishes a frame outside seq order (the event hub's `signal`). */
  signal(audience: Audience, frame: SentimentFrame, opts: { background: boolean }): void;
  /** Scores texts (on a worker thread in production: scoring-pool.ts). */
  scorer: Scorer;
  /** The desk's priority seam (Desk.recordSentiment). */
  recordSentiment(chatId: string, score: number): Promise<void>;
  /** Who serves the chat and its status (the nodes' cached chat facts). */
  factsOf(chatId: string): Promise<ChatFacts | null>;
}

export type AnalyzeOutcome = 'scored' | 'already-scored' | 'missing';
type AnalyzeJob = JobMap['message.analyze'];

export class AnalysisWorker {
  private readonly listeners = new Set<ScoredListener>();
  private readonly scores: ScoreWriter;

  /**
   * Messages stored together (a group commit) become one job: on Redis every job costs several
   * round trips to queue, take and finish (see docs/decisions/006).
   */
  private readonly batches: SerialBatcher<AnalyzeJob, void>;

  constructor(private readonly deps: WorkerDeps) {
    this.scores = new ScoreWriter(deps.db);
    this.batches = new SerialBatcher(async (messages) => {
      // The first message's id names the job, so queueing the same batch twice queues it once.
      await deps.bus.enqueue('messages.analyze', { messages }, { jobId: `batch-${messages[0].messageId}` });
      return messages.map(() => undefined);
    }, { spacingMs: 25 }); // fewer, larger jobs under load; a quiet desk's message goes at once
  }

  /** The pipeline reaction that turns new member text messages into jobs. */
  enqueueReaction(): Reaction {
    return {
      name: 'insight.enqueue',
      afterStored: async (m: MessageDto) => {
        if (m.senderRole !== 'member' || m.kind !== 'text' || !m.text.trim()) return;
        await this.batches.add({ messageId: m.id, chatId: m.chatId, text: m.text, senderRole: m.senderRole });
      },
    };
  }

  /** Runs the jobs in this process (the bus only runs them where the worker role is on). */
  start(): void {
    this.deps.bus.work('messages.analyze', async ({ messages }) => {
      // Every message is analysed; a failure fails the job, and its retry finds the messages that
      // went through already scored (the claim), so it applies only what is missing.
      const failed = (await Promise.allSettled(messages.map((m) => this.analyze(m)))).find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    });
    // Single-message jobs (queued by earlier versions, or by hand).
    this.deps.bus.work('message.analyze', async (payload) => {
      await this.analyze(payload);
    });
  }

  /** Adds a listener for scored messages; returns a function that removes it. */
  onScored(listener: ScoredListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Scores one message and applies the result once. */
  async analyze(job: AnalyzeJob): Promise<AnalyzeOutcome> {
    const { db, scorer } = this.deps;
    const score = await scorer.score(job.text);
    const claimed = await this.scores.claim(job.messageId, score);
    if (!claimed) {
      const exists = await db.selectFrom('messages').select('id').where('id', '=', job.messageId).executeTakeFirst();
      return exists ? 'already-scored' : 'missing';
    }
    try {
      await this.deps.recordSentiment(job.chatId, score);
      const chat = await this.deps.factsOf(job.chatId);
      const frame: SentimentFrame = { type: 'sentiment', chatId: job.chatId, messageId: job.messageId, score };
      // The member does not see a mood gauge of themselves; those serving or watching do, and
      // while the chat waits in the queue, everyone who may pick it up. A gauge can wait for the
      // next delivery to the same person (background): one socket write less per message.
      this.deps.signal(
        {
          userIds: chat?.assigneeId ? [chat.assigneeId] : [],
          roles: chat?.status === 'pending' ? ['supervisor', 'admin', 'agent', 'master'] : ['supervisor', 'admin'],
        },
        frame,
        { background: true },
      );
      const message: ScoredMessage = { id: job.messageId, chatId: job.chatId, text: job.text, senderRole: job.senderRole };
      for (const listener of this.listeners) await listener(message, score);
    } catch (err) {
      // Release the claim so the retried job applies everything again.
      await db.updateTable('messages').set({ sentiment_score: null }).where('id', '=', job.messageId).execute();
      throw err;
    }
    return 'scored';
  }
}
