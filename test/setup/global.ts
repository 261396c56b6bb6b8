/**
 * Test tier setup: find or start a real PostgreSQL and Redis for integration tests.
 *
 * Order of preference: TEST_DATABASE_URL / TEST_REDIS_URL from the environment; else throwaway
 * servers started from the `initdb`/`postgres` and `redis-server` binaries on free ports; else
 * nothing, and the integration tests fall back to PGlite and the in-process bus, saying so loudly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropRunDatabases, testRunId } from '../helpers/test-run';

const children: ChildProcess[] = [];
const tempDirs: string[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function findPostgresBin(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).sort().reverse();
  for (const v of versions) {
    const bin = join(base, v, 'bin');
    if (existsSync(join(bin, 'initdb'))) return bin;
  }
  return null;
}

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

async function startThrowawayPostgres(): Promise<string | null> {
  const bin = findPostgresBin();
  if (!bin) return null;
  const isRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'lotusdesk-pg-'));
  tempDirs.push(dir);
  chmodSync(dir, 0o777);
  const asPg = (args: string[]) => (isRoot ? ['runuser', ['-u', 'postgres', '--', ...args]] as const : [args[0], args.slice(1)] as const);
  const [initCmd, initArgs] = asPg([join(bin, 'initdb'), '-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-sync']);
  const init = spawnSync(initCmd, [...initArgs], { encoding: 'utf8' });
  if (init.status !== 0) {
    console.warn('[test setup] initdb failed:', init.stderr);
    return null;
  }
  const port = await freePort();
  const [pgCmd, pgArgs] = asPg([
    join(bin, 'postgres'), '-D', join(dir, 'data'), '-p', String(port), '-k', dir,
    '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=300',
  ]);
  const child = spawn(pgCmd, [...pgArgs], { stdio: 'ignore' });
  children.push(child);
  const psql = join(bin, 'psql');
  const ok = await waitFor(
    () => spawnSync(psql, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-c', 'select 1', 'postgres']).status === 0,
    20_000,
  );
  if (!ok) return null;
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

async function startThrowawayRedis(): Promise<string | null> {
  const bin = which('redis-server');
  if (!bin) return null;
  const port = await freePort();
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  children.push(child);
  const cli = which('redis-cli');
  const ok = await waitFor(
    () => (cli ? spawnSync(cli, ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG' : true),
    10_000,
  );
  return ok ? `redis://127.0.0.1:${port}` : null;
}

export async function setup(): Promise<void> {
  // Workers inherit the run id: their databases (and the template they clone) carry it.
  testRunId();
  if (!process.env.TEST_DATABASE_URL) {
    const url = await startThrowawayPostgres();
    if (url) process.env.TEST_DATABASE_URL = url;
  }
  if (!process.env.TEST_REDIS_URL) {
    const url = await startThrowawayRedis();
    if (url) process.env.TEST_REDIS_URL = url;
  }
  const skipped: string[] = [];
  if (!process.env.TEST_DATABASE_URL) skipped.push('PostgreSQL (integration tests run on PGlite instead)');
  if (!process.env.TEST_REDIS_URL) skipped.push('Redis (multi-node and Redis bus tests are skipped)');
  if (skipped.length) {
    console.warn('\n' + '!'.repeat(78) + '\n!! NO REAL SERVER FOR: ' + skipped.join('; ') + '\n' + '!'.repeat(78) + '\n');
  } else {
    console.log(`[test setup] PostgreSQL ${process.env.TEST_DATABASE_URL} · Redis ${process.env.TEST_REDIS_URL}`);
  }
}

/**
 * Drops the databases this run made (`ldt_<run>_…`, the template included). On a long-lived server
 * they would pile up run after run; other runs sharing the server keep theirs.
 */
async function dropTestDatabases(url: string): Promise<void> {
  try {
    await dropRunDatabases(url, testRunId());
  } catch (err) {
    console.warn(`[test teardown] could not drop the test databases: ${String(err)}`);
  }
}

export async function teardown(): Promise<void> {
  if (process.env.TEST_DATABASE_URL && !tempDirs.length) await dropTestDatabases(process.env.TEST_DATABASE_URL);
  // runuser does not forward signals: stop throwaway PostgreSQL clusters through their postmaster.
  for (const d of tempDirs) {
    try {
      const pid = Number(readFileSync(join(d, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid) process.kill(pid, 'SIGINT');
    } catch {
      /* not running */
    }
  }
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
}
