/**
 * The one way LotusDesk writes CSV. Cells a spreadsheet would run as a formula (starting with
 * = + - @, tab, CR or their full-width forms) get a leading `'` (OWASP "CSV Injection"); numbers
 * stay numbers. UTF-8 with a BOM so spreadsheet programs read Chinese names.
 */
import { stringify } from 'csv-stringify/sync';

/** A cell: text is neutralised when it looks like a formula; null and undefined are empty. */
export type CsvCell = string | number | bigint | boolean | null | undefined;

/** CSV text of a header row and data rows. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  return stringify([header as CsvCell[], ...(rows as CsvCell[][])], { bom: true, escape_formulas: true, record_delimiter: 'unix', cast: { boolean: (b) => String(b) } });
}
