/**
 * Finds claimed sutra citations in a message: 《心經》云：「…」, 心經說…, 金剛經有云…, 「…」出自《壇經》.
 * Works on a folded copy of the text (one script, NFKC) that keeps punctuation and maps back to
 * the original, so 心经说 and 心經說 are both found and the quote is reported as written.
 */
import { foldText } from '../../lib/chinese-script';
import { normalize, normalizeText, type Normalized } from '../normalize';

export interface DetectedCitation {
  /** The sutra name as written (without 《》). */
  name: string;
  /** The quoted words as written in the message. */
  quote: string;
  /** Whether the name was written in 《》 (a title the detector may not know). */
  bracketed: boolean;
}

const FOLD = { dropSeparators: false, collapseRepeats: false } as const;
const VERB = '(?:中|里|上)?(?:也|亦)?(?:有云|有言|云|曰|说道|说|言|讲|提到|写道|写到|开示说|开示|记载)';
// Without quotation marks only a classical citing verb (云, 曰) or a colon marks a quotation:
// 「心經說的是空性」 is talk about a sutra, 「心經說：…」 and 「金剛經有云…」 quote one.
const UNQUOTED_LEAD = `(?:(?:中|里|上)?(?:也|亦)?(?:有云|云|曰)\\s*:?|${VERB}\\s*:)`;
const QUOTE_MARK = /[「『“"]/;
const UNQUOTED_MARK = /[云曰:]/;
const QUOTE = '(?:「([^」]{1,400})」|『([^』]{1,400})』|“([^”]{1,400})”|"([^"]{1,400})")';

export class CitationDetector {
  private readonly forward: RegExp;
  private readonly unquoted: RegExp;
  private readonly backward: RegExp;

  /** `names` are every alias the detector should recognise without 《》. */
  constructor(names: readonly string[]) {
    const folded = [...new Set(names.map((n) => normalizeText(n, FOLD)).filter(Boolean))].sort((a, b) => b.length - a.length);
    const alias = folded.map(escape).join('|') || '(?!)';
    const name = `(?:《([^》]{1,30})》|(${alias}))`;
    this.forward = new RegExp(`${name}\\s*${VERB}?\\s*[:,]?\\s*${QUOTE}`, 'gu');
    this.unquoted = new RegExp(`${name}\\s*${UNQUOTED_LEAD}\\s*([^「『“"\\s.!?;。！？；\\n][^。！？!?;；\\n「『“"]{3,200})`, 'gu');
    this.backward = new RegExp(`${QUOTE}\\s*(?:[-—]{1,2}|,)?\\s*(?:出自|见于|见|语出|引自)?\\s*[(（]?\\s*(?:《([^》]{1,30})》|(${alias}))`, 'gu');
  }

  /** False when the text cannot hold a citation (no quotation mark, no 云/曰/colon): most messages. */
  mayQuote(text: string): boolean {
    const folded = foldText(text);
    return QUOTE_MARK.test(folded) || UNQUOTED_MARK.test(folded);
  }

  /** Every citation in the text, in order of appearance (one per quoted passage). */
  detect(text: string): DetectedCitation[] {
    // Most messages quote nothing: the patterns need a quotation mark, or 云/曰/a colon to lead an
    // unquoted quotation. The folded text alone (FOLD keeps every character, so it is exactly the
    // mapped text) says whether to look; the position map is built only for texts that may quote.
    const folded = foldText(text);
    const quoted = QUOTE_MARK.test(folded);
    const unquoted = UNQUOTED_MARK.test(folded);
    if (!quoted && !unquoted) return [];
    return this.scan(text, normalize(text, FOLD), quoted, unquoted);
  }

  private scan(text: string, n: Normalized, quoted: boolean, unquoted: boolean): DetectedCitation[] {
    const f = n.text;
    const back = (s: number, e: number) => text.slice(n.starts[s], n.ends[e - 1]);
    const found: Array<DetectedCitation & { at: number }> = [];
    const taken: Array<[number, number]> = [];
    const overlaps = (s: number, e: number) => taken.some(([a, b]) => s < b && a < e);
    const take = (m: RegExpExecArray, nameIdx: [number, number], quoteIdx: number[]) => {
      const qi = quoteIdx.find((i) => m[i] !== undefined);
      if (qi === undefined) return;
      const quoteText = m[qi];
      const qStart = f.indexOf(quoteText, m.index);
      if (qStart < 0 || overlaps(qStart, qStart + quoteText.length)) return;
      const bracketedName = m[nameIdx[0]];
      const name = bracketedName ?? m[nameIdx[1]];
      const nStart = f.indexOf(name, m.index);
      taken.push([qStart, qStart + quoteText.length]);
      found.push({ name: back(nStart, nStart + name.length), quote: back(qStart, qStart + quoteText.length), bracketed: bracketedName !== undefined, at: qStart });
    };
    if (quoted) {
      for (const m of f.matchAll(this.forward)) take(m, [1, 2], [3, 4, 5, 6]);
      for (const m of f.matchAll(this.backward)) take(m, [5, 6], [1, 2, 3, 4]);
    }
    if (unquoted) for (const m of f.matchAll(this.unquoted)) take(m, [1, 2], [3]);
    return found.sort((a, b) => a.at - b.at).map(({ at: _at, ...c }) => c);
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
