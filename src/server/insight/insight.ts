/**
 * The insight domain, composed: the sentiment engine (loaded once at start), the analysis worker
 * and its enqueue reaction, distress detection, and the help-line settings.
 */
import type { Bus } from '../bus/bus';
import type { ChatService } from '../chat/chat-service';
import type { MessagePipeline } from '../chat/pipeline';
import type { Db } from '../db/database';
import type { Clock } from '../core/clock';
import type { Desk } from '../desk/desk';
import type { EventHub } from '../events/hub';
import { detectDistress } from './distress';
import { DistressResponder } from './distress-responder';
import { HelplineStore } from './helplines';
import { SentimentEngine } from './sentiment/engine';
import { inlineScorer, threadScorer, type Scorer } from './scoring-pool';
import { AnalysisWorker, type ScoredMessage } from './worker';

export interface InsightDeps {
  db: Db;
  bus: Bus;
  hub: EventHub;
  desk: Desk;
  chats: ChatService;
  pipeline: MessagePipeline;
  clock: Clock;
  timezone: string;
  /** A model file other than the shipped one. */
  modelPath?: string;
  /** Where messages are scored: a worker thread (worker role in production) or the event loop. */
  scoring?: 'thread' | 'inline';
}

export class Insight {
  readonly engine: SentimentEngine;
  readonly helplines: HelplineStore;
  readonly worker: AnalysisWorker;
  readonly distress: DistressResponder;
  private readonly scorer: Scorer;

  constructor(deps: InsightDeps) {
    this.engine = SentimentEngine.load(deps.modelPath);
    // Warm the segmenter now rather than on the first member's message.
    this.engine.score('預熱');
    this.helplines = new HelplineStore(deps.db);
    this.scorer = deps.scoring === 'thread' ? threadScorer(deps.modelPath) : inlineScorer(this.engine);
    // The thread loads its model now, not when the first member's message waits for it.
    if (deps.scoring === 'thread') void this.scorer.score('預熱').catch(() => {});
    this.worker = new AnalysisWorker({
      db: deps.db,
      bus: deps.bus,
      signal: (audience, frame, opts) => deps.hub.signal(audience, frame, opts),
      scorer: this.scorer,
      recordSentiment: (chatId, score) => deps.desk.recordSentiment(chatId, score),
      factsOf: (chatId) => deps.chats.factsOf(chatId),
    });
    this.distress = new DistressResponder({ db: deps.db, hub: deps.hub, desk: deps.desk, helplines: this.helplines, clock: deps.clock, timezone: deps.timezone });
    this.worker.onScored((message) => this.distress.backstop(message, (input) => deps.pipeline.postAutomatic(input)));
    this.worker.start();
  }

  /** Stops the scoring thread. */
  async stop(): Promise<void> {
    await this.scorer.close();
  }

  /**
   * Connects the compassion reply (Dharma's `onSentiment`) to scored messages. Distress messages
   * are left out: they already get the caring reply with help lines, and one answer is kinder than
   * two arriving together.
   */
  connectCompassion(onSentiment: (message: ScoredMessage, score: number) => Promise<unknown>): () => void {
    return this.worker.onScored(async (message, score) => {
      if (!detectDistress(message.text).distress) await onSentiment(message, score);
    });
  }
}
