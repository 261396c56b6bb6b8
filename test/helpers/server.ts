/**
 * Starts a real LotusDesk for a test file: its own database (on PostgreSQL, when the test setup
 * found a server, a clone of the run's migrated and seeded template; else PGlite in a temp
 * directory, migrated and seeded at start), a random port, a known JWT secret.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { buildApp, type LotusDesk } from '../../src/server/app';
import type { Role } from '../../src/shared/protocol';
import type { Clock } from '../../src/server/core/clock';
import { clonedPostgresDatabase, emptyPostgresDatabase } from './template-db';
import { testConfig } from './test-config';

export { TEST_SECRET } from './test-config';

export interface TestServer {
  desk: LotusDesk;
  url: string;
  wsUrl: string;
  databaseUrl: string | null;
  /** Signs a token for a new or known user. */
  token(role: Role, name?: string, sub?: string): Promise<string>;
  /** Creates a user (by first sight) and returns its token and id. */
  user(role: Role, name?: string): Promise<{ token: string; id: string; sub: string; name: string }>;
  stop(): Promise<void>;
}

/** Creates an empty PostgreSQL database (not migrated) on the test server and returns its URL. */
export const freshPostgresDatabase = emptyPostgresDatabase;

/** Creates a migrated and seeded PostgreSQL database (a clone of the run's template); returns its URL. */
export const seededPostgresDatabase = clonedPostgresDatabase;

/** Which backend the integration tests use, for test names and skips. */
export const backend = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** Starts a server; `env` overrides configuration variables. */
export async function startServer(opts: { env?: Record<string, string>; pglite?: boolean; dataDir?: string; databaseUrl?: string; clock?: Clock } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'lotusdesk-test-'));
  const base = process.env.TEST_DATABASE_URL;
  const databaseUrl = opts.databaseUrl ?? (!opts.pglite && base ? await clonedPostgresDatabase(base) : null);
  const config = testConfig(dataDir, databaseUrl, opts.env);
  const desk = await buildApp(config, opts.clock ? { clock: opts.clock } : {});
  const address = await desk.app.listen({ port: 0, host: '127.0.0.1' });
  const port = new URL(address).port;
  const server: TestServer = {
    desk,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    databaseUrl,
    token: (role, name = `${role}-${randomUUID().slice(0, 8)}`, sub = `${role}-${randomUUID()}`) => desk.tokens.sign({ sub, role, name }),
    async user(role, name = `${role}-${randomUUID().slice(0, 8)}`) {
      const sub = `${role}-${randomUUID()}`;
      const token = await desk.tokens.sign({ sub, role, name });
      const u = await desk.users.fromClaims({ sub, role, name });
      return { token, id: u.id, sub, name };
    },
    async stop() {
      await desk.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** A small fetch wrapper returning status and parsed JSON. */
export async function api(server: TestServer, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, body: json, headers: res.headers };
}
