/**
 * The body of the scoring thread (see scoring-pool.ts): loads the sentiment engine once and
 * scores batches of texts. Pure computation, no database, no bus.
 */
import { SentimentEngine } from './sentiment/engine';

export interface ScoringTask {
  texts: string[];
  modelPath?: string;
}

let engine: SentimentEngine | null = null;

/** Scores a batch of texts (Piscina calls the default export once per task). */
export default function scoreTexts(task: ScoringTask): number[] {
  engine ??= SentimentEngine.load(task.modelPath);
  return task.texts.map((t) => engine!.score(t));
}
