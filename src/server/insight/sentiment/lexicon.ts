/**
 * The domain lexicon: what members of a Buddhist shop say when they suffer, grieve, give thanks or
 * complain, with negation and degree words. Written in Traditional (the project's script) and
 * converted once to the engine's script. The model learns general review language from data; the
 * lexicon carries the religious and pastoral vocabulary that product reviews never contain.
 */
import { engineScript } from './normalize';

/** Polarity of words in −2..2 (Traditional source). */
const POLARITY_TW: Record<string, number> = {
  // sorrow, fear, illness, bereavement
  煩惱: -1.2, 病痛: -1.3, 痛苦: -1.6, 往生: -0.5, 過世: -1.1, 去世: -1.1, 走了: -0.4, 離世: -1.1, 懺悔: -0.5,
  失眠: -1.1, 害怕: -1.3, 不耐煩: -1.3, 難過: -1.6, 傷心: -1.6, 悲傷: -1.6, 哀傷: -1.5, 心痛: -1.6, 心碎: -1.8,
  絕望: -2, 無助: -1.6, 焦慮: -1.4, 憂鬱: -1.6, 抑鬱: -1.6, 擔心: -1.0, 恐懼: -1.4, 孤單: -1.2, 寂寞: -1.1,
  生病: -1.0, 病危: -1.6, 癌症: -1.2, 化療: -1.0, 住院: -0.8, 開刀: -0.7, 難受: -1.4, 崩潰: -1.9, 疲憊: -1.0,
  後悔: -1.1, 自責: -1.3, 內疚: -1.2, 業障: -0.7, 罪業: -0.7, 生氣: -1.4, 憤怒: -1.6, 氣憤: -1.5, 哭: -1.2,
  眼淚: -1.0, 捨不得: -0.8, 放不下: -1.3, 煎熬: -1.6, 折磨: -1.6, 無奈: -1.1, 心煩: -1.4, 鬱悶: -1.3,
  不安: -1.2, 慌: -1.0, 驚慌: -1.2, 怕: -0.9, 苦: -1.0, 委屈: -1.2, 沮喪: -1.4, 低落: -1.3, 空虛: -1.2,
  疼: -1.0, 痛: -1.1, 惡化: -1.4, 噩夢: -1.2, 惡夢: -1.2, 孤獨: -1.3, 想哭: -1.5, 不舒服: -1.1, 沒意思: -1.2,
  // complaints about orders and deliveries
  失望: -1.6, 不滿: -1.4, 不滿意: -1.5, 抱怨: -1.1, 投訴: -1.2, 客訴: -1.2, 破損: -1.3, 損壞: -1.3, 瑕疵: -1.1,
  騙: -1.6, 騙子: -1.8, 差勁: -1.8, 爛: -1.5, 糟糕: -1.6, 太慢: -1.3, 延誤: -1.2, 延遲: -1.0, 遲遲: -1.0,
  錯: -0.6, 弄錯: -1.1, 寄錯: -1.2, 少寄: -1.1, 漏寄: -1.1, 退貨: -0.6, 退款: -0.6, 不行: -0.9, 離譜: -1.6,
  // gratitude, joy, peace, praise
  感恩: 1.5, 感謝: 1.4, 謝謝: 1.1, 多謝: 1.1, 感激: 1.4, 隨喜: 1.4, 歡喜: 1.5, 法喜: 1.6, 法喜充滿: 1.8,
  放下: 0.6, 安心: 1.2, 平靜: 1.1, 清淨: 1.0, 自在: 1.0, 喜悅: 1.5, 開心: 1.5, 高興: 1.4, 快樂: 1.4,
  滿意: 1.3, 讚嘆: 1.4, 讚歎: 1.4, 殊勝: 1.3, 圓滿: 1.0, 吉祥: 1.0, 祝福: 1.0, 加持: 0.8, 慈悲: 0.8,
  溫暖: 1.2, 貼心: 1.4, 用心: 1.1, 精美: 1.3, 莊嚴: 1.3, 推薦: 1.1, 喜歡: 1.3, 好: 0.7, 棒: 1.4, 讚: 1.4,
  感動: 1.4, 欣慰: 1.4, 安詳: 1.1, 好轉: 1.3, 康復: 1.4, 痊癒: 1.4, 順利: 1.2, 平安: 1.0, 放心: 1.1,
  迅速: 0.9, 周到: 1.2, 細心: 1.2, 耐心: 1.1, 舒服: 1.0, 美: 0.8, 漂亮: 1.2, 完美: 1.5, 安慰: 0.8, 輕鬆: 1.0,
};

/** Words that flip what follows in the same clause. */
const NEGATORS_TW = ['不', '沒', '沒有', '別', '未', '無', '非', '毫無', '並不', '並沒有', '從不', '從沒', '從來沒有', '不是', '不再', '絕不', '不會', '不要', '不太', '不怎麼', '不用', '甭', '莫', '勿'];

/** Intensity multipliers. */
const DEGREE_TW: Record<string, number> = {
  極: 2, 極其: 2, 極度: 2, 非常: 1.8, 十分: 1.6, 特別: 1.6, 超: 1.6, 超級: 1.8, 太: 1.6, 很: 1.4, 好: 1.3,
  真: 1.3, 真的: 1.3, 挺: 1.2, 蠻: 1.2, 滿: 1.2, 更: 1.3, 最: 1.8, 越來越: 1.4, 如此: 1.4, 那麼: 1.3, 這麼: 1.3,
  有點: 0.6, 有點兒: 0.6, 有些: 0.6, 有一點: 0.6, 稍微: 0.5, 略: 0.6, 比較: 0.8, 一點: 0.6, 些許: 0.5,
};

function convertKeys<V>(src: Record<string, V>): Map<string, V> {
  const keys = Object.keys(src);
  const converted = engineScript(keys);
  return new Map(keys.map((k, i) => [converted[i], src[k]]));
}

/** Polarity by word, in the engine's script. */
export const POLARITY: ReadonlyMap<string, number> = convertKeys(POLARITY_TW);
/** Negators, in the engine's script. */
export const NEGATORS: ReadonlySet<string> = new Set(engineScript(NEGATORS_TW));
/** Degree multipliers, in the engine's script. */
export const DEGREE: ReadonlyMap<string, number> = convertKeys(DEGREE_TW);

/** Words the segmenter should keep whole (added to jieba's dictionary). */
export function lexiconWords(): string[] {
  return [...POLARITY.keys(), ...NEGATORS, ...DEGREE.keys()].filter((w) => [...w].length > 1);
}

const CLAUSE_BREAK = /^[，。！？；：,.!?;:~～…\s、]+$/u;

/** True for a token that ends a clause (negation and degree do not reach across it). */
export function isClauseBreak(token: string): boolean {
  return CLAUSE_BREAK.test(token);
}

/**
 * Polarity of a token: the word itself, else a sentiment word it starts or ends with — jieba
 * sometimes keeps phrases whole (谢谢你们, 好开心啊) and the lexicon should still see them.
 */
function polarityOf(token: string): number | undefined {
  const exact = POLARITY.get(token);
  if (exact !== undefined || token.length < 3) return exact;
  for (let n = Math.min(4, token.length - 1); n >= 2; n--) {
    const v = POLARITY.get(token.slice(0, n)) ?? POLARITY.get(token.slice(-n));
    if (v !== undefined) return v;
  }
  return undefined;
}

/** How far back (in tokens) a negator or degree word reaches. */
const REACH = 3;
/** Negating a word weakens it as well as flipping it: 不難過 is relief, not joy. */
const NEGATED_FACTOR = 0.6;

/**
 * Lexicon score of a segmented text: the sum over sentiment words of polarity × degree, flipped
 * by an odd number of negators just before the word in the same clause.
 */
export function lexiconScore(tokens: readonly string[]): number {
  let sum = 0;
  for (let i = 0; i < tokens.length; i++) {
    const polarity = polarityOf(tokens[i]);
    if (polarity === undefined) continue;
    // 好 before another sentiment word is a degree word (好難過), not praise.
    if (DEGREE.has(tokens[i]) && i + 1 < tokens.length && POLARITY.has(tokens[i + 1])) continue;
    let degree = 1;
    let negations = 0;
    for (let j = i - 1; j >= 0 && j >= i - REACH; j--) {
      const t = tokens[j];
      if (isClauseBreak(t)) break;
      const d = DEGREE.get(t);
      if (d !== undefined) degree *= d;
      else if (NEGATORS.has(t)) negations++;
    }
    sum += negations % 2 === 1 ? -polarity * NEGATED_FACTOR * degree : polarity * degree;
  }
  return sum;
}
