/** Application errors carrying a contract error code, and the HTTP status each code maps to. */
import type { ErrorCode } from '../../shared/protocol';

const STATUS: Record<ErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  invalid: 400,
  too_large: 413,
  rate_limited: 429,
  chat_closed: 409,
  forbidden_content: 422,
  unverified_citation: 422,
  conflict: 409,
  internal: 500,
};

/** An error with a contract code; the message is localized where it is presented. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly details?: Record<string, unknown>,
    /** Overrides the localized default message (e.g. a filter's specific reason). */
    readonly customMessage?: string,
  ) {
    super(customMessage ?? code);
  }
  get status(): number {
    return STATUS[this.code];
  }
}

/** The HTTP status for a contract error code. */
export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}
