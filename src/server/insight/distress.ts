/**
 * Distress detection: words that signal a risk to life (自殺, 輕生, 不想活了, 活不下去…) in either
 * script, unless the same clause negates them (我不會自殺的，放心). Pure and fast (a few
 * microseconds): it runs on every member message right after it is stored.
 */
import { Automaton } from '../lib/aho-corasick';
import { foldText } from '../lib/chinese-script';
import { memoRecent } from '../lib/recent-memo';
import { engineScript } from './sentiment/normalize';

/** Phrases that signal risk to life or severe distress (Traditional source). */
const PHRASES_TW = [
  '自殺', '自盡', '輕生', '尋死', '尋短', '想不開', '不想活', '活不下去', '不如死', '想死', '好想死', '死了算了', '死了比較好',
  '一死百了', '了結生命', '了結自己', '結束生命', '結束自己', '結束我的生命', '離開這個世界', '離開人世', '跳樓', '跳河', '割腕', '上吊',
  '燒炭', '吞藥', '吃安眠藥自', '安眠藥全部吃', '遺書', '活著沒有意義', '活著沒意義', '活著沒意思', '活著好痛苦', '活著太痛苦', '沒有活下去',
  '不想再活', '撐不下去了', '想消失', '死了就解脫', '死了就不會痛', '不想醒來', '隨他而去',
];

/** Cues that negate a phrase when they come shortly before it in the same clause. */
const NEGATION_CUES_TW = [
  '不會', '不要', '不想', '不打算', '不可能', '不敢', '不再', '不能', '絕不', '絕對不', '決不', '沒有', '沒', '別', '從未', '未曾',
  '從來沒', '並不', '並沒有', '不至於', '不是要', '沒想過', '不曾',
];

/** Colloquial uses that are not distress (想死你了 = "missed you so much"). */
const EXCEPTIONS_TW = ['想死你', '想死妳', '想死您', '想死我了', '自殺式', '自殺攻擊', '防止自殺', '預防自殺', '自殺防治'];

/**
 * Texts and word lists are compared folded character by character (foldText), which is cheap
 * enough for the send path. Each word is folded from its Traditional source and from its phrase
 * converted Simplified form, so a word whose Simplified spelling depends on the phrase (活著 →
 * 活着) is found in either script.
 */
const matchForms = (words: readonly string[]) => unique([...words, ...engineScript(words)].map(foldText));
const PHRASES = matchForms(PHRASES_TW).sort((a, b) => b.length - a.length);
const CUES = matchForms(NEGATION_CUES_TW).sort((a, b) => b.length - a.length);
const EXCEPTIONS = matchForms(EXCEPTIONS_TW);
/** Every phrase in one automaton: one pass tells the (all but every) message that holds none. */
const ANY_PHRASE = new Automaton(PHRASES.map((pattern, data) => ({ pattern, data })));
const NO_DISTRESS: Readonly<DistressFinding> = Object.freeze({ distress: false, phrases: [], negated: [] });
/** How many characters before a phrase a negation cue may sit (我不會去自殺 → 不會 is 1 away). */
const CUE_REACH = 4;
const CLAUSE_BREAK = /[，。！？；,.!?;\n]/u;

export interface DistressFinding {
  distress: boolean;
  /** The phrases found and not negated (engine script). */
  phrases: string[];
  /** Phrases found but negated in their clause. */
  negated: string[];
}

/** Looks for distress in a text (either script). The finding is shared: do not change it. */
export const detectDistress = memoRecent((text: string): Readonly<DistressFinding> => findDistress(text));

function findDistress(text: string): Readonly<DistressFinding> {
  let t = foldText(text).replace(/\s+/g, '');
  if (ANY_PHRASE.search(t).length === 0) return NO_DISTRESS;
  for (const e of EXCEPTIONS) if (t.includes(e)) t = t.split(e).join('　'.repeat(e.length));
  const phrases: string[] = [];
  const negated: string[] = [];
  const covered = new Uint8Array(t.length);
  for (const phrase of PHRASES) {
    for (let at = t.indexOf(phrase); at >= 0; at = t.indexOf(phrase, at + 1)) {
      // A shorter phrase inside a longer one already found (想死 inside 好想死) is the same finding.
      if (covered[at]) continue;
      covered.fill(1, at, at + phrase.length);
      (isNegated(t, at) ? negated : phrases).push(phrase);
    }
  }
  return { distress: phrases.length > 0, phrases: unique(phrases), negated: unique(negated) };
}

/** True when a negation cue ends at most CUE_REACH characters before `at`, in the same clause. */
function isNegated(t: string, at: number): boolean {
  const start = Math.max(0, at - CUE_REACH - 4);
  let window = t.slice(start, at);
  const brk = lastBreak(window);
  if (brk >= 0) window = window.slice(brk + 1);
  for (const cue of CUES) {
    const i = window.lastIndexOf(cue);
    if (i >= 0 && window.length - (i + cue.length) <= CUE_REACH) return true;
  }
  return false;
}

function lastBreak(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) if (CLAUSE_BREAK.test(s[i])) return i;
  return -1;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
