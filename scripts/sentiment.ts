/**
 * `npm run --silent sentiment`: reads lines of text on standard input and prints one score per
 * line ([−1, 1], 4 decimals), in order, nothing else — for batch scoring and evaluation.
 * An empty line scores 0. `--model PATH` scores with another model file.
 */
import { createInterface } from 'node:readline';
import { SentimentEngine } from '../src/server/insight/sentiment/engine';

const i = process.argv.indexOf('--model');
let engine: SentimentEngine;
try {
  engine = SentimentEngine.load(i >= 0 ? process.argv[i + 1] : undefined);
} catch (err) {
  process.stderr.write(`sentiment: ${(err as Error).message}\n`);
  process.exit(2);
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
const out: string[] = [];
lines.on('line', (line) => {
  out.push(engine.score(line).toFixed(4));
  // Write in chunks: one write per line would dominate the cost for large batches.
  if (out.length >= 1024) process.stdout.write(out.splice(0).join('\n') + '\n');
});
lines.on('close', () => {
  if (out.length) process.stdout.write(out.join('\n') + '\n');
});
