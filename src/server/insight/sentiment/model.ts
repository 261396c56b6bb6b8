/**
 * The trained model: a logistic regression over hashed features plus one weight for the lexicon
 * score. Stored as JSON with the weights quantized to 16 bits and base64-encoded, so the shipped
 * file stays small (2^18 buckets ≈ 700 KB) and loads in milliseconds.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Prepared } from './features';
import { featureBuckets } from './features';

export const MODEL_FORMAT = 'lotusdesk-sentiment';

export interface SentimentModel {
  bits: number;
  bias: number;
  /** Weight of the (clamped) lexicon score in the logit. */
  lexiconWeight: number;
  weights: Float32Array;
  /** How it was trained and what it reached, for the record (not used when scoring). */
  meta: Record<string, unknown>;
}

/** Where the shipped model lives (data/sentiment/model.json at the repository root). */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../../../data/sentiment/model.json', import.meta.url));

/** The lexicon score enters the logit clamped, so one very emotional text cannot swamp the model. */
export const LEXICON_CLAMP = 4;

/** Logit of a prepared text: bias + Σ weight·value (values 1/√n) + lexicon weight × lexicon. */
export function logit(model: SentimentModel, p: Prepared, buckets: Uint32Array = featureBuckets(p, model.bits)): number {
  let z = 0;
  for (let i = 0; i < buckets.length; i++) z += model.weights[buckets[i]];
  if (buckets.length) z /= Math.sqrt(buckets.length);
  return model.bias + z + model.lexiconWeight * clampLexicon(p.lexicon);
}

/** The lexicon score as the model sees it. */
export function clampLexicon(x: number): number {
  return Math.max(-LEXICON_CLAMP, Math.min(LEXICON_CLAMP, x));
}

/** Serializes a model to the JSON text of the model file (deterministic for the same model). */
export function serializeModel(model: SentimentModel): string {
  let max = 0;
  for (const w of model.weights) max = Math.max(max, Math.abs(w));
  const scale = max > 0 ? max / 32767 : 1;
  const q = new Int16Array(model.weights.length);
  for (let i = 0; i < q.length; i++) q[i] = Math.round(model.weights[i] / scale);
  return JSON.stringify({
    format: MODEL_FORMAT,
    version: 1,
    bits: model.bits,
    bias: model.bias,
    lexiconWeight: model.lexiconWeight,
    scale,
    weights: Buffer.from(q.buffer).toString('base64'),
    meta: model.meta,
  }, null, 1) + '\n';
}

/** A model file as parsed, before its fields are checked. */
interface ModelFile {
  format?: unknown;
  version?: unknown;
  bits: number;
  scale: number;
  weights: unknown;
  bias: unknown;
  lexiconWeight: unknown;
  meta?: Record<string, unknown>;
}

/** Parses the JSON text of a model file; throws a clear error when it is not one. */
export function parseModel(text: string, source = 'model'): SentimentModel {
  let raw: ModelFile | null;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${source}: not JSON`);
  }
  if (raw?.format !== MODEL_FORMAT || raw.version !== 1) throw new Error(`${source}: not a ${MODEL_FORMAT} v1 model file`);
  if (!Number.isInteger(raw.bits) || raw.bits < 8 || raw.bits > 24) throw new Error(`${source}: bad bits`);
  const bytes = Buffer.from(String(raw.weights), 'base64');
  if (bytes.length !== 2 * (1 << raw.bits)) throw new Error(`${source}: weights do not match bits`);
  const q = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const weights = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) weights[i] = q[i] * raw.scale;
  return { bits: raw.bits, bias: Number(raw.bias), lexiconWeight: Number(raw.lexiconWeight), weights, meta: raw.meta ?? {} };
}

/** Reads a model file (the shipped one by default). */
export function loadModel(path: string = DEFAULT_MODEL_PATH): SentimentModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`sentiment model not found at ${path} (run \`npm run train:sentiment\`): ${(err as Error).message}`, { cause: err });
  }
  return parseModel(text, path);
}
