/**
 * `npm run bench:sentiment [-- --seconds N] [--json]`: how many member messages the sentiment
 * engine scores per second on one core (this process is single-threaded), plus distress detection
 * alone and both together (what the product does per message). Messages are a fixed mix of
 * Traditional and Simplified chat lines of realistic length, so runs are comparable.
 */
import { detectDistress } from '../../src/server/insight/distress';
import { SentimentEngine } from '../../src/server/insight/sentiment/engine';

const MESSAGES = [
  '師父您好，我母親上個月往生了，我每天晚上都失眠，心裡很煩惱，不知道該怎麼放下。',
  '請問念珠什麼時候出貨？我上週五就下單了。',
  '感恩師父的開示，心裡平靜多了，隨喜功德。',
  '包裹到了，佛像的手斷了，真的很失望，請問怎麼退貨？',
  '谢谢你们，念珠很漂亮，家人都很喜欢。',
  '我最近压力很大，常常一个人偷偷哭，有点害怕。',
  '法會幾點開始？可以線上報名嗎？',
  '好的，我知道了，謝謝。',
  '爸爸住院了，醫生說要開刀，我好擔心。',
  '客服一直不回訊息，等了三天，很不耐煩。',
];

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Runs `fn` over the messages for about `seconds`; returns messages per second. */
function rate(seconds: number, fn: (text: string) => unknown): number {
  // Warm-up: JIT, the segmenter's dictionary, the converters.
  for (let i = 0; i < 2000; i++) fn(MESSAGES[i % MESSAGES.length]);
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) fn(MESSAGES[(n + i) % MESSAGES.length]);
    n += 1000;
  }
  return n / ((performance.now() - t0) / 1000);
}

const seconds = arg('seconds', 3);
const t0 = performance.now();
const engine = SentimentEngine.load();
engine.score('預熱');
const loadMs = performance.now() - t0;
const sentiment = rate(seconds, (t) => engine.score(t));
const distress = rate(seconds, (t) => detectDistress(t));
const both = rate(seconds, (t) => (detectDistress(t), engine.score(t)));
const avgChars = MESSAGES.reduce((a, m) => a + [...m].length, 0) / MESSAGES.length;

const result = {
  bench: 'sentiment',
  node: process.version,
  cores: 1,
  averageMessageChars: Math.round(avgChars),
  modelLoadMs: Math.round(loadMs),
  sentimentPerSec: Math.round(sentiment),
  sentimentMicrosPerMessage: Number((1e6 / sentiment).toFixed(1)),
  distressPerSec: Math.round(distress),
  bothPerSec: Math.round(both),
};
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
else {
  console.log(`sentiment engine, one core, ${result.averageMessageChars}-character messages (node ${result.node})`);
  console.log(`  model + segmenter load     ${result.modelLoadMs} ms`);
  console.log(`  sentiment score            ${result.sentimentPerSec.toLocaleString('en')} messages/s (${result.sentimentMicrosPerMessage} µs each)`);
  console.log(`  distress detection         ${result.distressPerSec.toLocaleString('en')} messages/s`);
  console.log(`  both (per member message)  ${result.bothPerSec.toLocaleString('en')} messages/s`);
}
