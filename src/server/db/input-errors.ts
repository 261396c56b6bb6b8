/**
 * Database refusals of a value (SQLSTATE class 22, "data exception": a text that is not a UUID,
 * a number past int4/int8, a time past timestamptz's range, U+0000 in text) are the caller's bad
 * input, not a server failure. node-postgres and PGlite both report the SQLSTATE in `code`.
 */
import { AppError } from '../core/errors';

const DATA_EXCEPTION = /^22[0-9A-Z]{3}$/;

/** True when `err` is a database error of SQLSTATE class 22 (data exception). */
export function isDatabaseInputError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && DATA_EXCEPTION.test(code);
}

/** The contract's `invalid` error for a database input error, or null for anything else. */
export function asInputError(err: unknown): AppError | null {
  if (!isDatabaseInputError(err)) return null;
  // The SQLSTATE helps a caller fix the request; the database's message may quote the input, so it stays in the log.
  return new AppError('invalid', { reason: 'a value the database cannot store or compare', sqlstate: (err as { code: string }).code });
}
