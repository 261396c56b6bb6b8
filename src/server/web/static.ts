/**
 * Serves the built web app (dist/web): hashed assets cached for a year, HTML revalidated on every
 * load, and index.html for any other non-API path so the app's own router handles deep links.
 */
import { existsSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendError } from '../http/error-handler';

/** Where `npm run build:web` writes the app. */
export const DEFAULT_WEB_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../dist/web');

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** True for paths the SPA must never swallow (the API, the socket, probes). */
function isServerPath(path: string): boolean {
  return /^\/(api|ws|metrics|healthz|readyz)(\/|$)/.test(path);
}

/** Registers static serving of the web app; does nothing (but say so) when it is not built. */
export async function webRoutes(app: FastifyInstance, opts: { root?: string } = {}): Promise<void> {
  const root = resolve(opts.root ?? DEFAULT_WEB_ROOT);
  const assets = join(root, 'assets') + sep;
  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn({ root }, 'web app not built (npm run build:web); serving the API only');
    return;
  }
  await app.register(fastifyStatic, {
    root,
    // Files are looked up per request (not listed once at start), so a rebuild while the server
    // runs is served at once; the catch-all below stays ours for the SPA fallback.
    serve: false,
    cacheControl: false,
    setHeaders(res, path) {
      res.header('cache-control', path.startsWith(assets) ? IMMUTABLE : 'no-cache');
    },
  });
  // No content type set here: if index.html is missing mid-rebuild, the JSON 404 must still go out.
  const sendIndex = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html', root);
  app.get('/', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const path = pathOf(request.url);
    if (path === null || isServerPath(path)) return sendError(request, reply, 'not_found');
    const file = resolve(root, `.${path}`);
    if (file.startsWith(root + sep) && isFile(file)) return reply.sendFile(relative(root, file), root);
    // A missing hashed asset is a real 404 (an old tab after a deploy), not the app's HTML.
    if (path.startsWith('/assets/') || extname(path)) return sendError(request, reply, 'not_found');
    return sendIndex(reply);
  });
}

/** The decoded path of a request URL, or null if it cannot be decoded. */
function pathOf(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url, 'http://local').pathname);
  } catch {
    return null;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
