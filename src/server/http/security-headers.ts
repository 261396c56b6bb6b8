/**
 * Security headers on every answer, and the framing rule of the embeddable widget.
 *
 * - Every response: `X-Content-Type-Options: nosniff`, `Referrer-Policy: strict-origin-when-cross-origin`
 *   (a chat or upload address never leaves for another site), and a Content-Security-Policy that
 *   allows only this origin's scripts, styles, images, fonts and connections (WebSocket included)
 *   and no plugins; a route that sets its own policy (uploaded files: `sandbox`) keeps it.
 * - Framing: nothing may frame a page (`frame-ancestors 'none'`, `X-Frame-Options: DENY`) except
 *   `/embed`, the member window the shop puts in an iframe: its ancestors are this server's own
 *   origin (so /embed-demo.html works) and the shop's origins from LOTUSDESK_EMBED_ORIGINS.
 *   X-Frame-Options cannot name other origins, so with a list only frame-ancestors speaks.
 * - `GET /api/embed/config` tells the widget the shop's origins: it posts its messages only to them
 *   and its own origin, and accepts messages only from those.
 */
import type { FastifyInstance } from 'fastify';

/** What the app's pages need: the React bundle, chart.js on canvas, images, the socket. */
const PAGE_SOURCES = (styles: string) => [
  "default-src 'self'",
  "script-src 'self'",
  `style-src ${styles}`,
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "worker-src 'self' blob:",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/** swagger-ui's bundle inserts a <style> element; the docs page shows no user content, so inline styles may run there. */
const DOCS_STYLES = "'self' 'unsafe-inline'";

/** True for the widget's paths: `/embed`, `/embed/…`, with any query. */
export function isEmbedPath(url: string): boolean {
  return /^\/embed(\/|\?|#|$)/.test(url);
}

/** True for the API documentation (swagger-ui) and its files. */
function isDocsPath(url: string): boolean {
  return /^\/api\/docs(\/|\?|$)/.test(url);
}

/** The Content-Security-Policy of a page whose framing is `ancestors`. */
export function pagePolicy(ancestors: readonly string[], styles = "'self'"): string {
  return `${PAGE_SOURCES(styles)}; frame-ancestors ${ancestors.join(' ')}`;
}

/** Installs the headers on every response and the widget's config route. */
export function installSecurityHeaders(app: FastifyInstance, opts: { embedOrigins: readonly string[] | null }): void {
  const everywhere = pagePolicy(["'none'"]);
  const docs = pagePolicy(["'none'"], DOCS_STYLES);
  const embed = pagePolicy(["'self'", ...(opts.embedOrigins ?? [])]);
  const embedFrameOptions = opts.embedOrigins ? null : 'SAMEORIGIN';
  const parentOrigins = opts.embedOrigins ?? [];

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    if (reply.hasHeader('content-security-policy')) return payload;
    if (isEmbedPath(request.url)) {
      reply.header('content-security-policy', embed);
      if (embedFrameOptions) reply.header('x-frame-options', embedFrameOptions);
    } else {
      reply.header('content-security-policy', isDocsPath(request.url) ? docs : everywhere);
      reply.header('x-frame-options', 'DENY');
    }
    return payload;
  });

  app.get('/api/embed/config', {
    schema: {
      tags: ['embed'],
      summary: 'Origins of the shop pages that may frame /embed; the widget talks only to them (empty: its own origin)',
      response: { 200: { type: 'object', properties: { parentOrigins: { type: 'array', items: { type: 'string' } } } } },
    },
  }, async () => ({ parentOrigins }));
}
