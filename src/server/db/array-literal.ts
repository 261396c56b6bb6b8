/**
 * PostgreSQL array literals ('{"a","b",NULL}') built directly, for the batch statements that pass
 * one array per column (`unnest($1::uuid[], …)`). node-postgres would build the same text from a
 * JavaScript array, escaping every element through two regular expressions and concatenating as
 * it goes, a large allocation for every group commit, score and mood batch (see
 * docs/decisions/002). The literal is sent as a text parameter and cast by the statement, on
 * PostgreSQL and PGlite alike.
 */

/** One element: NULL, or double-quoted with backslashes and quotes escaped (any element type). */
function element(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value !== 'string') return String(value);
  // Most texts need no escaping: test once instead of replacing twice.
  return NEEDS_ESCAPE.test(value) ? `"${value.replace(ESCAPE, '\\$&')}"` : `"${value}"`;
}

const NEEDS_ESCAPE = /["\\]/;
const ESCAPE = /["\\]/g;

/** The array literal of `values` (strings quoted, numbers and booleans as written, null as NULL). */
export function arrayLiteral(values: ReadonlyArray<string | number | boolean | null>): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) parts[i] = element(values[i]);
  return `{${parts.join(',')}}`;
}
