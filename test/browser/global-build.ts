/**
 * vitest globalSetup: builds the web app once, before any test file starts a server, when dist/web
 * is missing or older than its sources (so no server ever sees a half-written build).
 */
import { ensureWebBuild } from './build';

/** Builds dist/web if stale (vitest calls this once per run). */
export function setup(): void {
  const started = Date.now();
  if (ensureWebBuild()) console.log(`[test setup] built the web app (npm run build:web) in ${Date.now() - started} ms`);
}
