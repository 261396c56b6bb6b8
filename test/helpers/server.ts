/**
 * Starts a real LotusDesk for a test file: its own database (a fresh PostgreSQL database when the
 * test setup found a server, else PGlite in a temp directory), a random port, a known JWT secret.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { buildApp, type LotusDesk } from '../../src/server/app';
import { loadConfig } from '../../src/server/config/config';
import type { Role } from '../../src/shared/protocol';
import type { Clock } from '../../src/server/desk/clock';

export const TEST_SECRET = 'test-secret-0123456789abcdef';

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

/** Creates an empty PostgreSQL database on the test server and returns its URL. */
export async function freshPostgresDatabase(baseUrl: string): Promise<string> {
  const name = `ld_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Which backend the integration tests use, for test names and skips. */
export const backend = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** Starts a server; `env` overrides configuration variables. */
export async function startServer(opts: { env?: Record<string, string>; pglite?: boolean; dataDir?: string; databaseUrl?: string; clock?: Clock } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'lotusdesk-test-'));
  const base = process.env.TEST_DATABASE_URL;
  const databaseUrl = opts.databaseUrl ?? (!opts.pglite && base ? await freshPostgresDatabase(base) : null);
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOTUSDESK_DATA_DIR: dataDir,
    LOTUSDESK_JWT_SECRET: TEST_SECRET,
    LOG_LEVEL: 'warn',
    // Dozens of test servers: score on the event loop (test/scoring-thread.test.ts covers the thread).
    LOTUSDESK_SCORING_THREAD: 'off',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...opts.env,
  });
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
