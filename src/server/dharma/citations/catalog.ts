/**
 * The shipped sutras with their Taishō numbers and the names people call them by, plus names of
 * works the corpus holds only in part or not at all (a citation of those is never refused).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DharmaSutrasTable } from '../../db/schema';

/** A text of the corpus: a row of `dharma_sutras` without its timestamp. */
export type SutraDoc = Omit<DharmaSutrasTable, 'created_at'>;

interface ShippedSutra {
  id: string;
  taisho: string;
  title: string;
  aliases: string[];
  files: string[];
}

/** The shipped corpus (first existing file wins: the punctuated Heart Sutra gives nicer passages). */
export const SHIPPED_SUTRAS: ShippedSutra[] = [
  { id: 'T0251', taisho: 'T0251', title: '般若波羅蜜多心經', aliases: ['心經', '般若心經', '多心經', '般若波羅蜜多心經', '摩訶般若波羅蜜多心經'], files: ['T0251_heart-sutra.punctuated.txt', 'T0251_heart-sutra.txt'] },
  { id: 'T0235', taisho: 'T0235', title: '金剛般若波羅蜜經', aliases: ['金剛經', '金剛般若經', '金剛般若波羅蜜經', '金剛般若波羅蜜多經'], files: ['T0235_diamond-sutra.txt'] },
  { id: 'T0450', taisho: 'T0450', title: '藥師琉璃光如來本願功德經', aliases: ['藥師經', '藥師本願經', '藥師本願功德經', '藥師琉璃光如來本願功德經', '藥師如來本願經'], files: ['T0450_medicine-buddha-sutra.txt'] },
  { id: 'T0366', taisho: 'T0366', title: '佛說阿彌陀經', aliases: ['阿彌陀經', '彌陀經', '佛說阿彌陀經', '小本彌陀經'], files: ['T0366_amitabha-sutra.txt'] },
  { id: 'T0262-25', taisho: 'T0262', title: '妙法蓮華經觀世音菩薩普門品', aliases: ['普門品', '觀世音菩薩普門品', '觀音經', '普門品偈', '妙法蓮華經觀世音菩薩普門品'], files: ['T0262_lotus-ch25-universal-gate.txt'] },
  { id: 'T0412', taisho: 'T0412', title: '地藏菩薩本願經', aliases: ['地藏經', '地藏菩薩本願經', '地藏本願經', '本願經'], files: ['T0412_ksitigarbha-original-vows-sutra.txt'] },
  { id: 'T2008', taisho: 'T2008', title: '六祖大師法寶壇經', aliases: ['壇經', '六祖壇經', '法寶壇經', '六祖大師法寶壇經'], files: ['T2008_platform-sutra.txt'] },
  { id: 'T1060', taisho: 'T1060', title: '千手千眼觀世音菩薩廣大圓滿無礙大悲心陀羅尼經', aliases: ['大悲咒', '大悲心陀羅尼', '大悲心陀羅尼經', '千手千眼無礙大悲心陀羅尼', '大悲神咒'], files: ['T1060_great-compassion-dharani.txt'] },
];

/** Larger works of which the corpus holds a part: verified against that part, a miss is not refused. */
export const PART_OF: Record<string, string> = { 法華經: 'T0262-25', 妙法蓮華經: 'T0262-25', 蓮華經: 'T0262-25' };

/** Well-known works that the shipped corpus does not hold (detected, never refused). */
export const NOT_IN_CORPUS: readonly string[] = [
  '楞嚴經', '華嚴經', '無量壽經', '觀無量壽經', '維摩詰經', '維摩經', '楞伽經', '圓覺經', '涅槃經', '大般涅槃經', '阿含經', '雜阿含經', '法句經',
  '四十二章經', '八大人覺經', '梵網經', '大乘起信論', '百喻經', '佛遺教經', '遺教經', '大寶積經', '解深密經', '勝鬘經', '十善業道經', '大智度論',
  '往生咒', '楞嚴咒', '準提咒', '六字大明咒', '藥師咒', '心咒',
];

/**
 * Reads a corpus folder described by `catalog.tsv` (tab-separated, a header line naming the
 * columns): `file`, `title`, `aliases` (`|`-separated) are required; `taisho`, `id` (default the
 * Taishō number, else the file name without `.txt`), `coverage` (`full` or `partial`) and
 * `source` (default `defaultSource`) are optional. Every other column is ignored.
 */
export function readCatalogCorpus(dir: string, defaultSource: string): SutraDoc[] {
  const lines = readFileSync(join(dir, CATALOG_FILE), 'utf8').split(/\r?\n/).filter((l) => l.trim());
  const head = (lines.shift() ?? '').split('\t').map((h) => h.trim());
  const col = (name: string) => head.indexOf(name);
  for (const required of ['file', 'title', 'aliases']) {
    if (col(required) < 0) throw new Error(`${join(dir, CATALOG_FILE)}: no "${required}" column (has: ${head.join(', ')})`);
  }
  const seen = new Set<string>();
  return lines.map((line, i) => {
    const cells = line.split('\t');
    const cell = (name: string) => (col(name) >= 0 ? (cells[col(name)] ?? '').trim() : '');
    const file = cell('file');
    const taisho = cell('taisho') || null;
    const id = cell('id') || taisho || file.replace(/\.txt$/, '');
    const coverage = cell('coverage') || 'full';
    if (!file || !cell('title') || seen.has(id) || (coverage !== 'full' && coverage !== 'partial')) {
      throw new Error(`${join(dir, CATALOG_FILE)} line ${i + 2}: needs a file and a title, a unique id, coverage full or partial`);
    }
    seen.add(id);
    const aliases = cell('aliases').split('|').map((a) => a.trim()).filter(Boolean);
    return { id, taisho, title: cell('title'), aliases, coverage: coverage as SutraDoc['coverage'], content: readFileSync(join(dir, file), 'utf8').trim(), source: cell('source') || defaultSource };
  });
}

/** The file that describes a corpus folder. */
export const CATALOG_FILE = 'catalog.tsv';

/** Reads a corpus folder: by its `catalog.tsv` when it has one, else the eight shipped texts. */
export function readCorpus(dir: string, defaultSource = 'CBETA'): SutraDoc[] {
  return existsSync(join(dir, CATALOG_FILE)) ? readCatalogCorpus(dir, defaultSource) : readShippedSutras(dir);
}

/** Reads the shipped sutra files into documents. */
export function readShippedSutras(sutrasDir: string): SutraDoc[] {
  const docs: SutraDoc[] = [];
  for (const s of SHIPPED_SUTRAS) {
    const file = s.files.map((f) => join(sutrasDir, f)).find((f) => existsSync(f));
    if (!file) continue;
    docs.push({ id: s.id, taisho: s.taisho, title: s.title, aliases: s.aliases, coverage: 'full', content: readFileSync(file, 'utf8').trim(), source: 'CBETA' });
  }
  return docs;
}
