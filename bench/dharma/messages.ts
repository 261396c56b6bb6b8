/**
 * Deterministic test material for the Dharma benchmarks: 200-character chat messages (shop talk,
 * Buddhist talk, sutra words, now and then a listed term) and citation claims (authentic, a
 * character off, invented).
 */
import type { SutraDoc } from '../../src/server/dharma/citations/catalog';
import { seededRandom } from '../../src/server/lib/seeded-random';


const PHRASES = [
  '師父您好，請問下個月的法會什麼時候開始？', '我想為家人點一盞光明燈，需要準備什麼？', '這串念珠是什麼材質的，可以開發票嗎？',
  '訂單已經付款了，請問什麼時候出貨？', '感恩師父的開示，阿彌陀佛。', '家裡長輩往生了，想請法師助念。', '收到的佛像有點損傷，可以換貨嗎？',
  '请问快递几天能到？我在上海。', '我想供养三宝，有哪些方式？', '最近烦恼很多，想学习念佛。', '謝謝客服，祝您功德圓滿。', '請問地藏法會還可以報名嗎？',
];
const LISTED = ['代開發票', '冰毒', '一夜情', '王八蛋', '六四事件'];

/** `count` messages of about 200 characters; roughly one in ten contains a listed term. */
export function chatMessages(count: number, seed = 1): string[] {
  const r = seededRandom(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let m = '';
    while ([...m].length < 200) m += PHRASES[Math.floor(r() * PHRASES.length)];
    m = [...m].slice(0, 200).join('');
    if (r() < 0.1) {
      const at = Math.floor(r() * 180);
      const chars = [...m];
      chars.splice(at, 0, LISTED[Math.floor(r() * LISTED.length)]);
      m = chars.slice(0, 200).join('');
    }
    out.push(m);
  }
  return out;
}

/** Citation claims about `docs`, each by its first alias: a third authentic, a third one character off, a third invented. */
export function citationClaims(count: number, docs: readonly SutraDoc[], seed = 2): string[] {
  const r = seededRandom(seed);
  // The dharani's transliteration makes no sense to garble.
  const texts = docs.filter((d) => d.taisho !== 'T1060').map((d) => ({ name: d.aliases[0] ?? d.title, chars: [...d.content.replace(/[\s\p{P}]/gu, '')] }));
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const { name, chars } = texts[Math.floor(r() * texts.length)];
    const len = 8 + Math.floor(r() * 24);
    const at = Math.floor(r() * (chars.length - len));
    const words = chars.slice(at, at + len);
    const kind = i % 3;
    if (kind === 1) words[Math.floor(r() * len)] = '空';
    if (kind === 2) for (let k = 0; k < len; k += 2) words[k] = '無常苦空我心佛法'[Math.floor(r() * 8)];
    out.push(`師兄，《${name}》云：「${words.join('')}」，是這樣嗎？`);
  }
  return out;
}
