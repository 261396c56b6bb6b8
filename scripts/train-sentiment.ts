/**
 * `npm run train:sentiment [-- --reviews PATH] [--domain PATH] [--out PATH] [--seed N] [--epochs N]`
 *
 * Trains the sentiment model from the public reviews (not shipped: no licence is stated for them,
 * so they are read from the shared data directory at train time) and the project's own domain
 * sentences, writes data/sentiment/model.json, and prints held-out accuracy of each set.
 * The reviews path may also come from SENTIMENT_REVIEWS.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SentimentEngine } from '../src/server/insight/sentiment/engine';
import { parseModel, serializeModel } from '../src/server/insight/sentiment/model';
import { DEFAULT_TRAIN_OPTIONS, evaluate, parseDomain, parseReviews, split, trainModel } from '../src/server/insight/sentiment/train';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const reviewsPath = resolve(arg('reviews') ?? process.env.SENTIMENT_REVIEWS ?? resolve(root, '../shared/data/sentiment/reviews.tsv'));
const domainPath = resolve(arg('domain') ?? resolve(root, 'data/sentiment/domain.tsv'));
const outPath = resolve(arg('out') ?? resolve(root, 'data/sentiment/model.json'));
const seed = Number(arg('seed') ?? DEFAULT_TRAIN_OPTIONS.seed);
const epochs = Number(arg('epochs') ?? DEFAULT_TRAIN_OPTIONS.epochs);
const bits = Number(arg('bits') ?? DEFAULT_TRAIN_OPTIONS.bits);
/** Domain sentences are few: each counts as this many reviews. */
const DOMAIN_WEIGHT = Number(arg('domain-weight') ?? 4);

for (const [name, p] of [['reviews', reviewsPath], ['domain sentences', domainPath]] as const) {
  if (!existsSync(p)) {
    console.error(`train:sentiment: ${name} file not found at ${p}.`);
    if (name === 'reviews') console.error('Pass --reviews PATH or set SENTIMENT_REVIEWS (the labelled reviews.tsv: label<TAB>source<TAB>text).');
    process.exit(2);
  }
}
if (![seed, epochs, bits].every(Number.isInteger) || bits < 8 || bits > 24 || epochs < 1) {
  console.error('train:sentiment: --seed and --epochs must be integers, --bits between 8 and 24');
  process.exit(2);
}

const started = Date.now();
const reviews = parseReviews(readFileSync(reviewsPath, 'utf8'));
const domain = parseDomain(readFileSync(domainPath, 'utf8'));
const r = split(reviews, 0.1, seed);
const d = split(domain, 0.2, seed + 1);
console.log(`reviews: ${reviews.length} (${r.train.length} train, ${r.test.length} held out) from ${reviewsPath}`);
console.log(`domain:  ${domain.length} (${d.train.length} train, ${d.test.length} held out) from ${domainPath}`);

const model = trainModel(
  [{ examples: r.train, weight: 1 }, { examples: d.train, weight: DOMAIN_WEIGHT }],
  { seed, epochs, bits },
  (epoch, loss) => console.log(`epoch ${epoch}: mean log loss ${loss.toFixed(4)}`),
);

// Evaluate the model exactly as shipped (after quantization), through the engine.
const text = serializeModel({ ...model, meta: { ...model.meta, domainWeight: DOMAIN_WEIGHT } });
const engine = new SentimentEngine(parseModel(text));
const score = (t: string) => engine.score(t);
const er = evaluate(score, r.test);
const ed = evaluate(score, d.test);
const meta = {
  ...model.meta,
  domainWeight: DOMAIN_WEIGHT,
  heldOut: {
    reviews: { n: er.n, accuracy: round(er.binaryAccuracy) },
    domain: { n: ed.n, binaryAccuracy: round(ed.binaryAccuracy), threeWayAccuracy: round(ed.threeWayAccuracy) },
  },
};
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, serializeModel({ ...model, meta }));

console.log(`held-out reviews accuracy: ${(er.binaryAccuracy * 100).toFixed(2)}% (n=${er.n})`);
console.log(`held-out domain accuracy:  ${(ed.binaryAccuracy * 100).toFixed(2)}% positive/negative, ${(ed.threeWayAccuracy * 100).toFixed(2)}% with neutral (n=${ed.n})`);
console.log(`model: ${outPath} (${(statSync(outPath).size / 1024).toFixed(0)} KB), trained in ${((Date.now() - started) / 1000).toFixed(1)} s`);

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
