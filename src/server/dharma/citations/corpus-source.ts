/**
 * Which corpus citations are verified against: the shipped canon (34 whole texts, the default),
 * the eight core texts, or an operator's own folder with a `catalog.tsv` (a corpus they are
 * licensed to use: CBETA's text is marked for non-commercial use).
 */
import { isAbsolute, join, resolve } from 'node:path';

/** `LOTUSDESK_SUTRA_CORPUS`: `canon`, `core`, or the path of a folder with a `catalog.tsv`. */
export type CorpusSetting = 'canon' | 'core' | (string & {});

/** The default corpus. */
export const DEFAULT_CORPUS: CorpusSetting = 'canon';

/** The folder of a corpus setting and the `source` its texts are stored with. */
export function corpusFolder(setting: CorpusSetting, shippedDataDir: string): { dir: string; source: string } {
  if (setting === 'canon') return { dir: join(shippedDataDir, 'sutras-canon'), source: 'CBETA' };
  if (setting === 'core') return { dir: join(shippedDataDir, 'sutras'), source: 'CBETA' };
  return { dir: isAbsolute(setting) ? setting : resolve(setting), source: 'operator' };
}
