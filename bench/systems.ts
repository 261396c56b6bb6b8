/**
 * Starts and stops the systems under test as separate processes on this machine: the bare ws
 * relay, the Socket.IO + node-postgres server, and LotusDesk (on PostgreSQL, on PGlite, or as two
 * nodes on Redis). Each gets a fresh database, so runs never see each other's data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { SystemSpec } from './load/commands';
import { SERVER_ENTRY, SERVER_NODE_ARGS } from '../scripts/server-args.mjs';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** The shop's signing secret for the benchmark's LotusDesk nodes (tokens are signed by the workers). */
export const BENCH_SECRET = 'bench-secret-0123456789abcdef';

export const baseDatabaseUrl = () => process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const redisUrl = () => process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ServerProcess {
  label: string;
  child: ChildProcess;
  port: number;
  output: string[];
}

export interface RunningSystem {
  name: string;
  spec: SystemSpec;
  servers: ServerProcess[];
  databaseUrl: string | null;
  /** Resident memory (kB) of the first server process, from /proc/<pid>/status. */
  rssKb(index?: number): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra configuration for LotusDesk nodes (e.g. SERVICES for a split of roles). */
  env?: Record<string, string>;
  /** Opens the V8 inspector on a free port (the idle-density scenario forces GC through it). */
  inspect?: boolean;
  /** Extra Node.js flags for the server processes (diagnosis, e.g. --trace-gc). */
  nodeArgs?: string[];
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? ok(a.port) : fail(new Error('no port'))));
    });
  });
}

/** Resident set size in kB of a process. */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Creates an empty PostgreSQL database and returns its URL (dropped again by `dropDatabase`). */
export async function freshDatabase(prefix: string): Promise<string> {
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const client = new pg.Client({ connectionString: baseDatabaseUrl() });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const u = new URL(baseDatabaseUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const client = new pg.Client({ connectionString: baseDatabaseUrl() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
  await client.end();
}

/** Deletes a cluster's keys (its finished analysis jobs would otherwise stay in Redis for an hour). */
async function dropRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis gone: nothing to tidy.
  } finally {
    redis.disconnect();
  }
}

async function spawnServer(args: string[], env: Record<string, string>, opts: StartOptions, label: string): Promise<ServerProcess> {
  const port = await freePort();
  const inspect = opts.inspect ? ['--inspect=127.0.0.1:0'] : [];
  const child = spawn(process.execPath, [...inspect, ...(opts.nodeArgs ?? []), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  const until = Date.now() + 120_000; // generous: start-up seeds reference data and the machine is shared
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${label} exited early: ${output.join('')}`);
    if (Date.now() > until) throw new Error(`${label} did not become healthy: ${output.join('')}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { label, child, port, output };
}

async function stopServer(s: ServerProcess): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

function running(name: string, spec: SystemSpec, servers: ServerProcess[], databaseUrl: string | null, cleanup: () => Promise<void>): RunningSystem {
  return {
    name, spec, servers, databaseUrl,
    rssKb: (i = 0) => rssOf(servers[i].child.pid!),
    async stop() {
      await Promise.all(servers.map(stopServer));
      await cleanup();
    },
  };
}

/**
 * The ceiling: bare ws relay, no auth, no storage. `processes` > 1 runs that many independent
 * relays (for idle density only: one process cannot hold more connections than its open-files
 * limit); the relay scenarios use the first.
 */
export async function startWsRelay(opts: StartOptions & { processes?: number } = {}): Promise<RunningSystem> {
  const servers = await Promise.all(Array.from({ length: opts.processes ?? 1 }, (_, i) => spawnServer(['bench/peers/ws-relay/server.mjs'], {}, opts, i ? `ws-relay-${i + 1}` : 'ws-relay')));
  const ws = (s: ServerProcess) => `ws://127.0.0.1:${s.port}/ws`;
  const spec: SystemSpec = { name: 'ws-relay', protocol: 'frames', lotus: false, memberUrl: ws(servers[0]), agentUrl: ws(servers[0]), idleUrls: servers.map(ws) };
  return running('ws-relay', spec, servers, null, async () => {});
}

/** The usual way: Socket.IO + node-postgres, one INSERT per message. */
export async function startSocketIoPg(opts: StartOptions = {}): Promise<RunningSystem> {
  const db = await freshDatabase('ld_bench_sio');
  const s = await spawnServer(['bench/peers/socketio-pg/server.mjs'], { DATABASE_URL: db }, opts, 'socketio-pg');
  const url = `http://127.0.0.1:${s.port}`;
  return running('socketio-pg', { name: 'socketio-pg', protocol: 'socketio', lotus: false, memberUrl: url, agentUrl: url }, [s], db, () => dropDatabase(db));
}

/** One node on PostgreSQL, one on PGlite, or a cluster of nodes on PostgreSQL and Redis. */
export type LotusFlavour = 'postgres' | 'pglite' | 'redis';

/**
 * LotusDesk as `node --import tsx src/server/main.ts` processes. On Redis, `nodes` (default 2)
 * processes: the first runs every role, the others are gateways with workers (`web,ws,worker`);
 * members connect to the first, agents to the last, idle connections spread over all.
 */
export async function startLotus(flavour: LotusFlavour, opts: StartOptions & { nodes?: number } = {}): Promise<RunningSystem> {
  const env: Record<string, string> = {
    LOTUSDESK_JWT_SECRET: BENCH_SECRET,
    // The per-connection frame budget protects a real desk from floods; a load generator that
    // pushes a few connections to saturation would only measure the limiter.
    LOTUSDESK_RATE_FRAMES_PER_SEC: '1000000',
    LOTUSDESK_RATE_FRAMES_BURST: '1000000',
    ...opts.env,
  };
  let dataDir: string | null = null;
  let db: string | null = null;
  if (flavour === 'pglite') {
    dataDir = mkdtempSync(join(tmpdir(), 'lotusdesk-bench-'));
    env.LOTUSDESK_DATA_DIR = dataDir;
  } else {
    db = await freshDatabase('ld_bench');
    env.DATABASE_URL = db;
    env.LOTUSDESK_DATA_DIR = mkdtempSync(join(tmpdir(), 'lotusdesk-bench-'));
    dataDir = env.LOTUSDESK_DATA_DIR;
  }
  if (flavour === 'redis') {
    env.REDIS_URL = redisUrl();
    env.LOTUSDESK_REDIS_PREFIX = `bench-${randomUUID().slice(0, 8)}`;
  }
  // Started exactly as `npm start` starts it.
  const args = [...SERVER_NODE_ARGS, SERVER_ENTRY];
  const nodes = flavour === 'redis' ? (opts.nodes ?? 2) : 1;
  const name = flavour === 'redis' ? `lotusdesk-redis-${nodes}-nodes` : `lotusdesk-${flavour}`;
  const first = await spawnServer(args, env, opts, name);
  // The other nodes start after the first has migrated the database.
  const others = await Promise.all(
    Array.from({ length: nodes - 1 }, (_, i) => spawnServer(args, { ...env, SERVICES: 'web,ws,worker' }, opts, `${name}-${String.fromCharCode(98 + i)}`)),
  );
  const servers = [first, ...others];
  const ws = (s: ServerProcess) => `ws://127.0.0.1:${s.port}/ws`;
  const spec: SystemSpec = {
    name, protocol: 'frames', lotus: true, secret: BENCH_SECRET,
    httpUrl: `http://127.0.0.1:${first.port}`,
    memberUrl: ws(first),
    agentUrl: ws(servers[servers.length - 1]),
    idleUrls: servers.map(ws),
  };
  return running(name, spec, servers, db, async () => {
    if (db) await dropDatabase(db);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (env.LOTUSDESK_REDIS_PREFIX) await dropRedisKeys(env.LOTUSDESK_REDIS_PREFIX);
  });
}
