/**
 * Where messages are scored. Scoring (script conversion, segmentation, the model) is the largest
 * part of analysing a message, and on the event loop it competes with every ack and delivery, so
 * a scoring thread takes that work to another core; texts that come due together go over in one
 * task (see docs/decisions/007).
 *
 * `inline` keeps scoring on the calling thread (tests that build many servers, and tools).
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { SerialBatcher } from '../lib/serial-batcher';
import type { SentimentEngine } from './sentiment/engine';
import type { ScoringTask } from './scoring-thread';

export interface Scorer {
  score(text: string): Promise<number>;
  close(): Promise<void>;
}

/** Scores on the calling thread. */
export function inlineScorer(engine: SentimentEngine): Scorer {
  return { score: async (text) => engine.score(text), close: async () => {} };
}

/** Scores on one worker thread, a batch of texts per task. */
export function threadScorer(modelPath?: string): Scorer {
  const filename = fileURLToPath(new URL('./scoring-thread.ts', import.meta.url));
  const pool = new Piscina<ScoringTask, number[]>({
    filename,
    minThreads: 1,
    maxThreads: 1,
    // The thread runs TypeScript like the server does, through tsx, whether or not the process
    // that starts it was itself started with it (vitest is not). Nothing else of the parent's
    // arguments: a thread refuses V8 heap flags such as --max-semi-space-size.
    execArgv: ['--import', 'tsx'],
    // Idle threads would otherwise exit and pay the model's load time again.
    idleTimeout: Number.POSITIVE_INFINITY,
  });
  const batches = new SerialBatcher<string, number>((texts) => pool.run({ texts, ...(modelPath ? { modelPath } : {}) }), { maxBatch: 256 });
  return {
    score: (text) => batches.add(text),
    close: () => pool.destroy(),
  };
}
