/**
 * LotusDesk as separate OS processes (for multi-node and crash tests), and throwaway Redis and
 * PostgreSQL servers a test may stop and start.
 */
import { SERVER_ENTRY, SERVER_NODE_ARGS } from '../../scripts/server-args.mjs';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface NodeProcess {
  port: number;
  url: string;
  wsUrl: string;
  child: ChildProcess;
  output: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the server as a child process, as `npm start` does, and waits for /healthz. */
export async function startNode(env: Record<string, string>): Promise<NodeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, SERVER_ENTRY], {
    cwd: process.cwd(),
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  const url = `http://127.0.0.1:${port}`;
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`node exited early: ${output.join('')}`);
    try {
      return (await fetch(`${url}/healthz`)).ok;
    } catch {
      return false;
    }
  }, 30_000, `node on ${port}`);
  return {
    port, url, wsUrl: `ws://127.0.0.1:${port}/ws`, child, output,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
  };
}

export interface ThrowawayServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** A Redis server on a free port that a test can stop and restart on the same port. */
export async function throwawayRedis(): Promise<ThrowawayServer | null> {
  const bin = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!bin) return null;
  const port = await freePort();
  let child: ChildProcess | null = null;
  const ping = () => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG';
  const server: ThrowawayServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await until(ping, 10_000, 'redis');
    },
    async stop() {
      if (!child) return;
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      child = null;
    },
    async destroy() {
      await server.stop();
    },
  };
  await server.start();
  return server;
}

/** A PostgreSQL cluster on a free port that a test can stop and restart. */
export async function throwawayPostgres(): Promise<ThrowawayServer | null> {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const version = readdirSync(base).sort().reverse().find((v) => existsSync(join(base, v, 'bin', 'initdb')));
  if (!version) return null;
  const bin = join(base, version, 'bin');
  const dir = mkdtempSync(join(tmpdir(), 'lotusdesk-pg-outage-'));
  chmodSync(dir, 0o777);
  const asPg = (cmd: string, args: string[]): [string, string[]] => (process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  const [ic, ia] = asPg(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-sync']);
  if (spawnSync(ic, ia).status !== 0) return null;
  const port = await freePort();
  let child: ChildProcess | null = null;
  const ready = () => spawnSync(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0;
  const server: ThrowawayServer = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      const [c, a] = asPg(join(bin, 'postgres'), ['-D', join(dir, 'data'), '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off']);
      child = spawn(c, a, { stdio: 'ignore' });
      await until(ready, 20_000, 'postgres');
    },
    async stop() {
      if (!child) return;
      const exited = new Promise((r) => child!.once('exit', r));
      // Signal the postmaster itself (runuser does not forward signals); SIGINT is PostgreSQL's
      // "fast shutdown", which drops clients like a crash of the server would.
      const pid = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGINT');
      await exited;
      await until(() => !ready(), 10_000, 'postgres to stop');
      child = null;
    },
    async destroy() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
