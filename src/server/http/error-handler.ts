/**
 * Every HTTP error leaves as `{"error":{"code","message","details"?}}` with the contract's code,
 * the message in the caller's language. A value the database refuses (SQLSTATE class 22) is the
 * caller's `invalid`; unknown failures are logged and become `internal`.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../shared/protocol';
import { errorMessage, pickLocale } from '../i18n/errors';
import { asInputError } from '../db/input-errors';
import { AppError, statusOf } from '../core/errors';

/** Sends the contract's error body. */
export function sendError(request: FastifyRequest, reply: FastifyReply, code: ErrorCode, details?: Record<string, unknown>, message?: string) {
  const locale = pickLocale(request.headers['accept-language']);
  // HTTP clients and proxies understand the header; the body's retryAfterMs is the exact wait.
  if (code === 'rate_limited' && typeof details?.retryAfterMs === 'number') reply.header('retry-after', String(Math.max(1, Math.ceil(details.retryAfterMs / 1000))));
  return reply.status(statusOf(code)).send({ error: { code, message: message ?? errorMessage(code, locale), ...(details ? { details } : {}) } });
}

/** Installs the error and not-found handlers. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (err instanceof AppError) return sendError(request, reply, err.code, err.details, err.customMessage);
    const fe = err as FastifyError;
    if (fe.validation) {
      const first = fe.validation[0];
      return sendError(request, reply, 'invalid', {
        field: (first?.instancePath || '').replace(/^\//, '') || (first?.params as { missingProperty?: string })?.missingProperty || fe.validationContext,
        reason: first?.message,
      });
    }
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413) return sendError(request, reply, 'too_large');
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return sendError(request, reply, fe.statusCode === 404 ? 'not_found' : fe.statusCode === 429 ? 'rate_limited' : 'invalid', { reason: fe.message });
    }
    const input = asInputError(err);
    if (input) {
      request.log.info({ err }, 'database refused a value');
      return sendError(request, reply, input.code, input.details);
    }
    request.log.error({ err }, 'request failed');
    return sendError(request, reply, 'internal');
  });
  app.setNotFoundHandler((request, reply) => sendError(request, reply, 'not_found'));
}
