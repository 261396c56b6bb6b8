/** Static serving of the web app: cache headers, SPA fallback, API 404s, no escape from the root, rebuilds picked up live. */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandling } from '../http/error-handler';
import { webRoutes } from './static';

let app: FastifyInstance;
let base: string;
let root: string;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'lotusdesk-web-'));
  root = join(base, 'web');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(base, 'secret.txt'), 'do not serve');
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(root, 'embed-demo.html'), '<!doctype html><title>shop</title>');
  app = Fastify();
  installErrorHandling(app);
  app.get('/api/ping', async () => ({ pong: true }));
  await app.register(webRoutes, { root });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  rmSync(base, { recursive: true, force: true });
});

describe('webRoutes', () => {
  it('serves hashed assets as immutable and HTML as no-cache', async () => {
    const js = await app.inject('/assets/index-abc123.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', '/embed-demo.html']) {
      const html = await app.inject(path);
      expect(html.statusCode).toBe(200);
      expect(html.headers['cache-control']).toBe('no-cache');
    }
  });

  it('answers app paths with index.html and leaves the API, sockets and missing assets alone', async () => {
    for (const path of ['/desk', '/member/anything', '/embed?token=x']) {
      const r = await app.inject(path);
      expect(r.statusCode, path).toBe(200);
      expect(r.body).toContain('<title>app</title>');
      expect(r.headers['cache-control']).toBe('no-cache');
    }
    expect((await app.inject('/api/ping')).json()).toEqual({ pong: true });
    for (const path of ['/api/nope', '/ws/x', '/assets/gone-999.js', '/missing.png']) {
      const r = await app.inject(path);
      expect(r.statusCode, path).toBe(404);
      expect(r.json().error.code).toBe('not_found');
    }
  });

  it('never serves a file outside its root', async () => {
    for (const path of ['/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt']) {
      const r = await app.inject(path);
      expect(r.body, path).not.toContain('do not serve');
    }
  });

  it('answers a clean 404 (not a 500) while index.html is missing mid-rebuild', async () => {
    renameSync(join(root, 'index.html'), join(root, 'index.html.tmp'));
    try {
      const r = await app.inject('/desk');
      expect(r.statusCode).toBe(404);
      expect(r.json().error.code).toBe('not_found');
    } finally {
      renameSync(join(root, 'index.html.tmp'), join(root, 'index.html'));
    }
  });

  it('serves files of a rebuild made while running', async () => {
    writeFileSync(join(root, 'assets', 'index-new456.js'), 'console.log(2)');
    const r = await app.inject('/assets/index-new456.js');
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe('console.log(2)');
  });
});
