/**
 * Who may scrape /metrics. The figures (connections, queue lengths, job failures) describe the
 * business and its load, so they are not public:
 * - with LOTUSDESK_METRICS_TOKEN set, a request needs `Authorization: Bearer <token>`;
 * - without it, in production, only a direct loopback connection (a scraper on the same host) is
 *   served; a request that came through a proxy (forwarding headers) or from another address is
 *   refused. The socket's own address decides, never X-Forwarded-For, which a caller can write;
 * - without it, outside production, /metrics is open (development, tests, benchmarks).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors';

const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

/** True for 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** An onRequest hook enforcing the rule above for the /metrics route. */
export function metricsAccess(opts: { token: string | null; production: boolean }) {
  const expected = opts.token ? digest(opts.token) : null;
  return async function checkMetricsAccess(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (expected) {
      const header = request.headers.authorization;
      const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
      // Digests have one length, so the comparison takes the same time whatever was sent.
      if (!given || !timingSafeEqual(digest(given), expected)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new AppError('unauthenticated', { reason: 'metrics need the bearer token LOTUSDESK_METRICS_TOKEN' });
      }
      return;
    }
    if (!opts.production) return;
    const direct = isLoopback(request.socket.remoteAddress) && !FORWARDING_HEADERS.some((h) => request.headers[h] !== undefined);
    if (!direct) throw new AppError('forbidden', { reason: 'in production /metrics answers loopback only unless LOTUSDESK_METRICS_TOKEN is set' });
  };
}
