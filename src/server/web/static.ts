/**
 * Serves the built web app (dist/web): hashed assets cached for a year, HTML revalidated on every
 * load, and index.html for any other non-API path so the app's own router handles deep links.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../http/error-handler';

/** Where `npm run build:web` writes the app. */
export const DEFAULT_WEB_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../dist/web');

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** True for paths the SPA must never swallow (the API, the socket, probes). */
function isServerPath(url: string): boolean {
  return /^\/(api|ws|metrics|healthz|readyz)(\/|$|\?)/.test(url);
}

/** Registers static serving of the web app; does nothing (but say so) when it is not built. */
export async function webRoutes(app: FastifyInstance, opts: { root?: string } = {}): Promise<void> {
  const root = opts.root ?? DEFAULT_WEB_ROOT;
  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn({ root }, 'web app not built (npm run build:web); serving the API only');
    return;
  }
  await app.register(fastifyStatic, {
    root,
    // Files are listed once at start (the build is immutable while the server runs), so the
    // catch-all below stays ours for the SPA fallback.
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders(res, path) {
      res.header('cache-control', path.includes(`${join(root, 'assets')}/`) ? IMMUTABLE : 'no-cache');
    },
  });
  const sendIndex = (reply: import('fastify').FastifyReply) => reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html', root, { cacheControl: false });
  app.get('/', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    // A missing hashed asset is a real 404 (an old tab after a deploy), not the app's HTML.
    if (isServerPath(request.url) || request.url.startsWith('/assets/')) return sendError(request, reply, 'not_found');
    return sendIndex(reply);
  });
}
