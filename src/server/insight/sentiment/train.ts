/**
 * Training and evaluation of the sentiment model: reading the labelled files, a seeded split, and
 * logistic regression by AdaGrad over hashed features. Everything is deterministic for a seed, so
 * `npm run train:sentiment` rebuilds the same model file byte for byte.
 */
import { featureBuckets, prepare } from './features';
import { clampLexicon, type SentimentModel } from './model';
import { seededRandom } from '../../lib/seeded-random';

/** A labelled text; `target` is 1 positive, 0 negative, 0.5 neutral. */
export interface LabelledText {
  text: string;
  target: number;
  /** Where it came from (the review category, or the domain sentence kind). */
  source: string;
}

const DOMAIN_LABELS: Record<string, number> = { pos: 1, neg: 0, neu: 0.5 };

/** Parses reviews.tsv (`label` 1/0, `source`, `text`, with a header line). */
export function parseReviews(tsv: string): LabelledText[] {
  return parseTsv(tsv, 'reviews', (label) => (label === '1' ? 1 : label === '0' ? 0 : undefined));
}

/** Parses domain.tsv (`label` pos/neg/neu, `kind`, `text`, with a header line). */
export function parseDomain(tsv: string): LabelledText[] {
  return parseTsv(tsv, 'domain', (label) => DOMAIN_LABELS[label]);
}

function parseTsv(tsv: string, name: string, label: (s: string) => number | undefined): LabelledText[] {
  const lines = tsv.split(/\r?\n/);
  const header = lines[0]?.split('\t') ?? [];
  if (header[0] !== 'label' || header[2] !== 'text') throw new Error(`${name}: expected a header "label<TAB>source|kind<TAB>text"`);
  const out: LabelledText[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim() || line.startsWith('#')) continue;
    const [l, source, ...rest] = line.split('\t');
    const text = rest.join('\t').trim();
    const target = label(l.trim());
    if (target === undefined || !text) throw new Error(`${name}: line ${i + 1}: bad label or empty text`);
    out.push({ text, target, source: source ?? '' });
  }
  return out;
}


/** Fisher-Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Splits into train and held-out test parts, stratified by target so small sets stay balanced. */
export function split<T extends { target: number }>(items: readonly T[], testFraction: number, seed: number): { train: T[]; test: T[] } {
  const random = seededRandom(seed);
  const train: T[] = [];
  const test: T[] = [];
  const byTarget = new Map<number, T[]>();
  for (const it of items) byTarget.set(it.target, [...(byTarget.get(it.target) ?? []), it]);
  for (const target of [...byTarget.keys()].sort()) {
    const group = shuffled(byTarget.get(target)!, random);
    const n = Math.round(group.length * testFraction);
    test.push(...group.slice(0, n));
    train.push(...group.slice(n));
  }
  return { train: shuffled(train, random), test: shuffled(test, random) };
}

export interface TrainOptions {
  bits: number;
  epochs: number;
  seed: number;
  learningRate: number;
  /** L2 pull towards zero applied at each update of a bucket. */
  l2: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { bits: 18, epochs: 6, seed: 20261125, learningRate: 0.25, l2: 1e-6 };

/** One set of training texts with how much each counts (domain sentences are few but matter). */
export interface WeightedSet {
  examples: LabelledText[];
  weight: number;
}

interface Row {
  buckets: Uint32Array;
  value: number;
  lexicon: number;
  target: number;
  weight: number;
}

/** Trains a model; `onEpoch` reports progress (epoch, mean log loss). */
export function trainModel(sets: WeightedSet[], options: Partial<TrainOptions> = {}, onEpoch?: (epoch: number, loss: number) => void): SentimentModel {
  const o = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const size = 1 << o.bits;
  const rows: Row[] = [];
  for (const set of sets) {
    for (const ex of set.examples) {
      const p = prepare(ex.text);
      const buckets = featureBuckets(p, o.bits);
      rows.push({ buckets, value: buckets.length ? 1 / Math.sqrt(buckets.length) : 0, lexicon: clampLexicon(p.lexicon), target: ex.target, weight: set.weight });
    }
  }
  const w = new Float64Array(size);
  const g2 = new Float64Array(size).fill(1e-8);
  let bias = 0;
  let bias2 = 1e-8;
  let lexW = 0;
  let lex2 = 1e-8;
  const random = seededRandom(o.seed);
  let order = rows.map((_, i) => i);
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    order = shuffled(order, random);
    let loss = 0;
    for (const i of order) {
      const r = rows[i];
      let z = bias + lexW * r.lexicon;
      for (let k = 0; k < r.buckets.length; k++) z += w[r.buckets[k]] * r.value;
      const p = 1 / (1 + Math.exp(-z));
      loss -= r.weight * (r.target * Math.log(p + 1e-12) + (1 - r.target) * Math.log(1 - p + 1e-12));
      const g = (p - r.target) * r.weight;
      for (let k = 0; k < r.buckets.length; k++) {
        const b = r.buckets[k];
        const gb = g * r.value + o.l2 * w[b];
        g2[b] += gb * gb;
        w[b] -= (o.learningRate * gb) / Math.sqrt(g2[b]);
      }
      bias2 += g * g;
      bias -= (o.learningRate * g) / Math.sqrt(bias2);
      const gl = g * r.lexicon;
      lex2 += gl * gl;
      lexW -= (o.learningRate * gl) / Math.sqrt(lex2);
    }
    onEpoch?.(epoch, loss / rows.length);
  }
  return {
    bits: o.bits,
    bias,
    lexiconWeight: lexW,
    weights: Float32Array.from(w),
    meta: { trainer: 'logistic regression, AdaGrad, hashed words + negated words + word pairs + character bigrams', ...o, examples: rows.length },
  };
}

/** Scores in [−1, 1] with |score| below this count as neutral when evaluating three-way. */
export const NEUTRAL_BAND = 0.35;

export interface Evaluation {
  n: number;
  /** Positive vs negative, on the examples that are not neutral (sign of the score). */
  binaryAccuracy: number;
  /** Positive / neutral / negative, with the neutral band (only meaningful when the set has neutral examples). */
  threeWayAccuracy: number;
}

/** Accuracy of a scorer on labelled texts. */
export function evaluate(score: (text: string) => number, examples: readonly LabelledText[]): Evaluation {
  let polar = 0;
  let polarRight = 0;
  let right3 = 0;
  for (const ex of examples) {
    const s = score(ex.text);
    const predicted = s >= NEUTRAL_BAND ? 1 : s <= -NEUTRAL_BAND ? 0 : 0.5;
    if (predicted === ex.target) right3++;
    if (ex.target !== 0.5) {
      polar++;
      if ((s > 0 ? 1 : 0) === ex.target) polarRight++;
    }
  }
  return { n: examples.length, binaryAccuracy: polar ? polarRight / polar : 0, threeWayAccuracy: examples.length ? right3 / examples.length : 0 };
}
