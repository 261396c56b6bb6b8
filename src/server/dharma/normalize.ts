/**
 * Text normalization shared by the content filter, citation verification and automatic replies.
 *
 * Everything is folded to ONE script (Simplified) so that a Traditional message matches a
 * Simplified term list and the other way round; NFKC turns full-width forms into half-width;
 * separators between characters (spaces, zero-width characters, punctuation, symbols) are dropped
 * so 代 開 發 票, 冰\u200b毒 and 冰-毒 all read 代开发票/冰毒; runs of one character collapse (冰冰毒毒 → 冰毒).
 * Every unit of the normalized text remembers which span of the original it came from, so a match
 * found in the normalized text can be masked in the original.
 */
import { foldCodePoint } from '../lib/chinese-script';
import { memoRecent } from '../lib/recent-memo';

export interface NormalizeOptions {
  /** Drop everything that is not a letter or a digit (default true). */
  dropSeparators?: boolean;
  /** Collapse runs of the same character into one (default true; citations turn it off). */
  collapseRepeats?: boolean;
  /** Fold variant readings of popular editions to one form (citations only). */
  variants?: boolean;
}

export interface Normalized {
  /** The normalized text. */
  text: string;
  /** For each UTF-16 unit of `text`: the start offset (UTF-16) of its source in the original. */
  starts: Uint32Array;
  /** For each UTF-16 unit of `text`: the end offset (exclusive) of its source in the original. */
  ends: Uint32Array;
}

// Character-level conversion (lib/chinese-script.ts foldCodePoint) keeps the mapping one original
// character → one output character; phrase-level conversion would buy nothing for matching and
// would break the position map.

/**
 * Variant characters and readings that popular editions print differently from the Taishō text
 * (after Simplified conversion). Applied to both sides of a comparison, so folding a common
 * character here only widens what counts as the same reading.
 */
const VARIANT_CHARS: Record<string, string> = {
  罣: '挂', 呪: '咒', 㖿: '耶', 徧: '遍', 脩: '修', 燄: '焰', 菓: '果', 着: '著', 遶: '绕', 繫: '系', 諍: '争', 鉢: '钵',
  佈: '布', 迴: '回', 徹: '彻', 讃: '赞', 歎: '叹', 嘆: '叹', 麤: '粗', 甦: '苏', 姪: '侄', 囉: '啰',
  // The Great Compassion Dharani as recited today (大悲咒) against the Taishō transliteration.
  㘄: '愣', 跢: '埵', 栗: '利', 盤: '槃', 盘: '槃',
  峯: '峰', 舘: '馆', 裏: '里', 裡: '里', 箇: '个', 亙: '亘', 况: '况', 況: '况', 愍: '悯', 憫: '悯', 彊: '强', 強: '强',
};
/** Equal-length phrase variants (so positions still map one to one). */
const VARIANT_PHRASES: Array<[string, string]> = [
  ['揭帝', '揭谛'],
  ['般罗揭', '波罗揭'],
  ['般罗僧', '波罗僧'],
  ['僧莎诃', '萨婆诃'],
  ['娑婆诃', '萨婆诃'],
  ['莎婆诃', '萨婆诃'],
  ['掛碍', '挂碍'],
];

/** The variant tables as text: part of what a cached citation index depends on. */
export const VARIANT_FINGERPRINT = JSON.stringify([VARIANT_CHARS, VARIANT_PHRASES]);

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** Code point → its folded form with separators dropped (the filter's default; cached). */
const keptCache = new Map<number, string>();
function foldKept(cp: number): string {
  let out = keptCache.get(cp);
  if (out === undefined) {
    out = '';
    for (const c of foldCodePoint(cp)) if (LETTER_OR_DIGIT.test(c)) out += c;
    keptCache.set(cp, out);
  }
  return out;
}

/**
 * The last texts normalized with the default options: the content filter and the keyword
 * replies both normalize every member message.
 */
const normalizeDefault = memoRecent((text: string) => normalizeWith(text, {}));

/**
 * Normalizes text and keeps, for every output unit, the span of the original it came from.
 * The result is shared (recent texts are remembered): do not change it.
 */
export function normalize(original: string, opts?: NormalizeOptions): Normalized {
  return opts === undefined ? normalizeDefault(original) : normalizeWith(original, opts);
}

function normalizeWith(original: string, opts: NormalizeOptions): Normalized {
  const out = new NormalizedBuilder(original.length, opts.collapseRepeats ?? true, opts.variants ?? false);
  const drop = opts.dropSeparators ?? true;
  for (let i = 0; i < original.length; ) {
    const cp = original.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const folded = drop ? foldKept(cp) : foldCodePoint(cp);
    // The common folded form is one UTF-16 unit: no string iteration.
    if (folded.length === 1) out.take(folded, i, i + width);
    else for (const c of folded) out.take(c, i, i + width);
    i += width;
  }
  return out.finish();
}

/**
 * Builds a normalized text and its position map in typed arrays grown by doubling. A class, not
 * closures: every message of the content filter passes here, and closures made per call cost a
 * property definition each under tsx (esbuild's keepNames).
 */
class NormalizedBuilder {
  private starts: Uint32Array<ArrayBuffer>;
  private ends: Uint32Array<ArrayBuffer>;
  private n = 0;
  private text = '';
  private last = '';

  constructor(
    length: number,
    private readonly collapse: boolean,
    private readonly variants: boolean,
  ) {
    // One allocation for both maps (typed arrays are costly to create; most texts never grow).
    const capacity = length + 8;
    const both = new Uint32Array(capacity * 2);
    this.starts = both.subarray(0, capacity);
    this.ends = both.subarray(capacity);
  }

  /** Adds one folded character that came from original[from, to). */
  take(c: string, from: number, to: number): void {
    if (this.variants) c = VARIANT_CHARS[c] ?? c;
    // A repeated character joins the span of the previous one (masking covers both).
    if (this.collapse && c === this.last) {
      this.ends.fill(to, this.n - c.length, this.n);
      return;
    }
    if (this.n + c.length > this.starts.length) {
      this.starts = grown(this.starts, this.n + c.length);
      this.ends = grown(this.ends, this.n + c.length);
    }
    for (let k = 0; k < c.length; k++, this.n++) {
      this.starts[this.n] = from;
      this.ends[this.n] = to;
    }
    this.text += c;
    this.last = c;
  }

  finish(): Normalized {
    let text = this.text;
    if (this.variants) for (const [from, to] of VARIANT_PHRASES) if (text.includes(from)) text = text.split(from).join(to);
    return { text, starts: this.starts.subarray(0, this.n), ends: this.ends.subarray(0, this.n) };
  }
}

function grown(a: Uint32Array<ArrayBuffer>, need: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** Only the normalized text (for terms, keywords and anything that needs no position map). */
export function normalizeText(text: string, opts?: NormalizeOptions): string {
  return normalize(text, opts).text;
}

/** The original span [start, end) that a normalized span [from, to) came from. */
export function originalSpan(n: Normalized, from: number, to: number): { start: number; end: number } {
  return { start: n.starts[from], end: n.ends[to - 1] };
}

/** Replaces every character of the given original spans with ＊ (code points, not UTF-16 units). */
export function maskSpans(original: string, spans: Array<{ start: number; end: number }>): string {
  if (!spans.length) return original;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let result = '';
  let pos = 0;
  for (const s of sorted) {
    const start = Math.max(s.start, pos);
    if (start >= s.end) continue;
    result += original.slice(pos, start) + '＊'.repeat([...original.slice(start, s.end)].length);
    pos = s.end;
  }
  return result + original.slice(pos);
}
