/**
 * What a production deployment exposes: /metrics needs LOTUSDESK_METRICS_TOKEN when it is set and,
 * in production without one, answers only a direct loopback connection; dev login listens on
 * loopback unless HOST says otherwise; the dev secret is never committed; docker-compose refuses
 * to start without a database password.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, type LotusDesk } from '../../src/server/app';
import { loadConfig } from '../../src/server/config/config';
import { freshPostgresDatabase, startServer, TEST_SECRET, type TestServer } from '../helpers/server';

const root = join(__dirname, '..', '..');
const METRICS_TOKEN = 'metrics-token-0123456789';

const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

/** A non-loopback IPv4 address of this machine, to reach the server as a remote client would. */
function outsideAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return null;
}

/** A production node listening on every address (as in the Docker image), on the test PostgreSQL when there is one. */
async function productionNode(env: Record<string, string> = {}): Promise<{ desk: LotusDesk; port: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lotusdesk-prod-'));
  const database = process.env.TEST_DATABASE_URL ? { DATABASE_URL: await freshPostgresDatabase(process.env.TEST_DATABASE_URL) } : {};
  const config = loadConfig({ NODE_ENV: 'production', LOTUSDESK_JWT_SECRET: TEST_SECRET, LOTUSDESK_DATA_DIR: dataDir, LOG_LEVEL: 'warn', LOTUSDESK_SCORING_THREAD: 'off', SERVICES: 'web', ...database, ...env });
  const desk = await buildApp(config);
  const address = await desk.app.listen({ port: 0, host: '0.0.0.0' });
  stops.push(async () => {
    await desk.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { desk, port: Number(new URL(address).port) };
}

describe('/metrics access', () => {
  it('with LOTUSDESK_METRICS_TOKEN: only a bearer of that token scrapes', async () => {
    const server: TestServer = await startServer({ env: { LOTUSDESK_METRICS_TOKEN: METRICS_TOKEN } });
    stops.push(() => server.stop());
    const none = await fetch(`${server.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await none.json()).error.code).toBe('unauthenticated');
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } })).status).toBe(401);
    const ok = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('lotusdesk_');
  });

  it('a metrics token shorter than 16 characters is a configuration error', () => {
    expect(() => loadConfig({ LOTUSDESK_METRICS_TOKEN: 'short' })).toThrow(/LOTUSDESK_METRICS_TOKEN/);
  });

  it('production without a token: a direct loopback scrape works; a remote or proxied one is refused', async () => {
    const { port } = await productionNode();
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    // A proxy on the same host forwards outside callers from loopback: its forwarding headers give it away.
    const proxied = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect([proxied.status, (await proxied.json()).error.code]).toEqual([403, 'forbidden']);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { forwarded: 'for=203.0.113.9' } })).status).toBe(403);
    const outside = outsideAddress();
    if (!outside) {
      console.warn('!! no non-loopback address on this machine: the remote /metrics case is SKIPPED');
      return;
    }
    expect((await fetch(`http://${outside}:${port}/metrics`)).status).toBe(403);
    // Spoofing the client address through X-Forwarded-For does not make a remote caller local.
    expect((await fetch(`http://${outside}:${port}/metrics`, { headers: { 'x-forwarded-for': '127.0.0.1' } })).status).toBe(403);
    // Health stays open to load balancers.
    expect((await fetch(`http://${outside}:${port}/healthz`)).status).toBe(200);
  });

  it('production with a token: remote scrapers with the token are served', async () => {
    const outside = outsideAddress() ?? '127.0.0.1';
    const { port } = await productionNode({ LOTUSDESK_METRICS_TOKEN: METRICS_TOKEN });
    expect((await fetch(`http://${outside}:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
  });
});

describe('listen address', () => {
  it('dev login listens on loopback unless HOST is set; a JWT secret or production keeps every address', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ LOTUSDESK_JWT_SECRET: TEST_SECRET }).host).toBe('0.0.0.0');
    expect(loadConfig({ NODE_ENV: 'production', LOTUSDESK_JWT_SECRET: TEST_SECRET }).host).toBe('0.0.0.0');
    expect(loadConfig({ LOTUSDESK_JWT_SECRET: TEST_SECRET, HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
  });
});

describe('repository and deployment files', () => {
  it('the dev secret is ignored by git', () => {
    const r = spawnSync('git', ['check-ignore', '-q', 'data/dev-secret'], { cwd: root });
    expect(r.status, 'data/dev-secret must be in .gitignore').toBe(0);
  });

  const compose = spawnSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' }).stdout.trim();
  if (!compose) console.warn('!! docker-compose is not installed: the compose password check is SKIPPED');
  it.skipIf(!compose)('docker-compose refuses to start without POSTGRES_PASSWORD, and uses it when given', () => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOTUSDESK_JWT_SECRET: TEST_SECRET };
    const without = spawnSync(compose, ['config'], { cwd: root, env, encoding: 'utf8' });
    expect(without.status).not.toBe(0);
    expect(without.stderr).toMatch(/POSTGRES_PASSWORD/);
    const withPassword = spawnSync(compose, ['config'], { cwd: root, env: { ...env, POSTGRES_PASSWORD: 'pw-0123456789abcdef' }, encoding: 'utf8' });
    expect(withPassword.status, withPassword.stderr).toBe(0);
    expect(withPassword.stdout).toContain('postgres://lotusdesk:pw-0123456789abcdef@postgres:5432/lotusdesk');
    expect(withPassword.stdout).not.toMatch(/:lotusdesk@postgres/);
  });
});
