/**
 * The shipped term lists and the filter category each file belongs to, with the default action of
 * every category. Severe categories block; political lists only flag for a
 * supervisor's review (they are full of words a Buddhist shop's members use innocently).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FilterAction } from './types';

export interface CategoryDefault {
  id: string;
  name: string;
  action: FilterAction;
}

/** Categories in order of precedence: a term listed in several files keeps the first one here. */
export const CATEGORIES: CategoryDefault[] = [
  // LDNOOBW's obscenities and insults are masked wherever else they are listed: a member's angry
  // word is hidden, not a reason to refuse the whole message.
  { id: 'profanity', name: '粗話與辱罵', action: 'mask' },
  { id: 'sexual', name: '色情', action: 'block' },
  { id: 'violence', name: '暴力恐怖與槍爆', action: 'block' },
  // Mostly sites blocked by one government (google.com among them): a supervisor decides.
  { id: 'illegal_url', name: '非法網址', action: 'flag' },
  { id: 'ads', name: '廣告與詐騙', action: 'block' },
  { id: 'politics', name: '政治敏感', action: 'flag' },
  { id: 'corruption', name: '貪腐', action: 'flag' },
  { id: 'social', name: '民生與時事', action: 'flag' },
  // Two big uncurated lists (Tencent, NetEase) of mixed everyday and sensitive words: off until an
  // admin turns them on; what matters in them is mostly in the categories above as well.
  { id: 'general', name: '綜合詞庫（未分類）', action: 'off' },
  { id: 'custom', name: '管理員新增', action: 'block' },
];

/** konsheng file name → category. */
const KONSHENG: Record<string, string> = {
  '色情类型.txt': 'sexual',
  '色情词库.txt': 'sexual',
  '暴恐词库.txt': 'violence',
  '涉枪涉爆.txt': 'violence',
  '非法网址.txt': 'illegal_url',
  '广告类型.txt': 'ads',
  '政治类型.txt': 'politics',
  '反动词库.txt': 'politics',
  '新思想启蒙.txt': 'politics',
  'GFW补充词库.txt': 'politics',
  '贪腐词库.txt': 'corruption',
  '民生词库.txt': 'social',
  'COVID-19词库.txt': 'social',
  '其他词库.txt': 'general',
  '补充词库.txt': 'general',
  '网易前端过滤敏感词库.txt': 'general',
  '零时-Tencent.txt': 'general',
};

export interface ShippedTerm {
  term: string;
  category: string;
  source: string;
}

/** Reads every shipped list (one term per line); unknown konsheng files go to `general`. */
export function readShippedTerms(termsDir: string): ShippedTerm[] {
  const out: ShippedTerm[] = [];
  const add = (file: string, category: string, source: string) => {
    for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
      const term = line.trim();
      if (term && !term.startsWith('#')) out.push({ term, category, source });
    }
  };
  const ldnoobw = join(termsDir, 'ldnoobw_zh.txt');
  if (existsSync(ldnoobw)) add(ldnoobw, 'profanity', 'ldnoobw');
  const vocab = join(termsDir, 'konsheng_Sensitive-lexicon', 'Vocabulary');
  if (existsSync(vocab)) {
    for (const f of readdirSync(vocab).filter((f) => f.endsWith('.txt')).sort()) add(join(vocab, f), KONSHENG[f] ?? 'general', `konsheng/${f}`);
  }
  return out;
}
