/**
 * Deployment files, validated as far as a machine without a Docker engine allows: the compose
 * file parses (with its `${VAR}` interpolation), every LotusDesk service's environment passes the
 * real configuration validation, the roles cover the cluster, dependencies and health checks are
 * wired, backups land on a volume; the Dockerfile is multi-stage, non-root, health-checked, copies
 * only what exists, and its health check command really tells a live server from a dead one.
 * (`yaml` comes with fastify's swagger and vite; `docker compose config` runs too when available.)
 */
import { SERVER_ENTRY, SERVER_NODE_ARGS } from '../scripts/server-args.mjs';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../src/server/config/config';
import { freePort } from './helpers/processes';
import { startServer } from './helpers/server';

const compose = readFileSync('docker-compose.yml', 'utf8');
const dockerfile = readFileSync('Dockerfile', 'utf8');
const dockerignore = readFileSync('.dockerignore', 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR:?error}. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Z0-9_]+)(?:(:-|:\?)([^}]*))?\}/g, (_m, name: string, op: string | undefined, arg: string | undefined) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (op === ':?') throw new Error(`${name}: ${arg}`);
    return op === ':-' ? (arg ?? '') : '';
  });
}

interface Service {
  build?: unknown;
  image?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
}

const env = { LOTUSDESK_JWT_SECRET: 'a-long-enough-shared-secret-for-tests', POSTGRES_PASSWORD: 'pw' };
const doc = parse(interpolate(compose, env), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = doc.services;
// Compose passes environment values as strings (`KEY: 24` becomes "24"), and so does this test.
for (const s of Object.values(services)) if (s.environment) s.environment = Object.fromEntries(Object.entries(s.environment).map(([k, v]) => [k, String(v)]));
const app = Object.entries(services).filter(([, s]) => s.build !== undefined);

/** The JavaScript of the Dockerfile's HEALTHCHECK (CMD ["node", "-e", "<script>"]). */
function healthScript(): string {
  const m = /HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])/.exec(dockerfile);
  if (!m) throw new Error('no HEALTHCHECK CMD in the Dockerfile');
  const argv = JSON.parse(m[1]!) as string[];
  expect(argv.slice(0, 2)).toEqual(['node', '-e']);
  return argv[2]!;
}

describe('docker-compose.yml', () => {
  it('has the seed services plus two gateway nodes, a worker and cron, each with a health check', () => {
    expect(Object.keys(services).sort()).toEqual(['ai-worker', 'cron', 'postgres', 'redis', 'websocket', 'websocket-2'].sort());
    for (const [name, s] of Object.entries(services)) expect(s.healthcheck?.test?.length, `${name} health check`).toBeGreaterThan(0);
    expect(services.postgres!.healthcheck!.test.join(' ')).toMatch(/pg_isready/);
    expect(services.redis!.healthcheck!.test.join(' ')).toMatch(/redis-cli.*ping/);
  });

  it("every LotusDesk service's environment passes the real configuration validation, and the roles cover the cluster", () => {
    const roles: string[][] = [];
    for (const [name, s] of app) {
      const config = loadConfig(s.environment!);
      expect(config.production, name).toBe(true);
      expect(new URL(config.databaseUrl!).hostname, name).toBe('postgres');
      expect(new URL(config.redisUrl!).hostname, name).toBe('redis');
      roles.push(config.services);
    }
    expect(roles.filter((r) => r.includes('ws'))).toHaveLength(2);
    expect(roles.filter((r) => r.includes('cron'))).toHaveLength(1);
    expect(roles.filter((r) => r.includes('worker'))).toHaveLength(1);
    expect(services['ai-worker']!.environment!.SERVICES).toBe('worker');
    expect(new Set(roles.flat())).toEqual(new Set(['web', 'ws', 'worker', 'cron']));
  });

  it('refuses to start without a JWT secret (interpolation fails) rather than with a default one', () => {
    expect(() => interpolate(compose, { POSTGRES_PASSWORD: 'pw' })).toThrow(/LOTUSDESK_JWT_SECRET/);
  });

  it('waits for healthy dependencies, publishes two ports, and keeps backups on a volume the worker writes', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, how] of Object.entries(s.depends_on ?? {})) {
        expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
        expect(how.condition).toBe('service_healthy');
      }
    }
    expect(Object.keys(services.websocket!.depends_on!)).toEqual(expect.arrayContaining(['postgres', 'redis']));
    expect([...services.websocket!.ports!, ...services['websocket-2']!.ports!].map((p) => p.split(':')[0])).toEqual(['3000', '3001']);
    const worker = services['ai-worker']!;
    const dir = worker.environment!.LOTUSDESK_BACKUP_DIR!;
    expect(worker.volumes).toContain(`backups:${dir}`);
    expect(doc.volumes).toHaveProperty('backups');
    expect(loadConfig(worker.environment!).ops.backupIntervalMs).toBe(24 * 3_600_000);
  });

  it("uses a PostgreSQL major version the image's pg_dump can back up", () => {
    const server = /^postgres:(\d+)/.exec(services.postgres!.image!)?.[1];
    const client = /postgresql-client-(\d+)/.exec(dockerfile)?.[1];
    expect(server).toBeDefined();
    expect(client).toBe(server);
  });

  it('passes `docker compose config` when Compose is installed', () => {
    const probe = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.warn('!! `docker compose config` SKIPPED: Docker Compose is not installed here');
      return;
    }
    const r = spawnSync('docker', ['compose', '-f', 'docker-compose.yml', 'config', '--quiet'], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(r.status, r.stderr).toBe(0);
  });
});

describe('Dockerfile', () => {
  const lines = dockerfile.split('\n').filter((l) => !l.trim().startsWith('#'));
  const stages = lines.filter((l) => /^FROM /.test(l));

  it('is multi-stage on node:20-bookworm-slim, installs with npm ci and builds the web app', () => {
    expect(stages).toHaveLength(2);
    for (const s of stages) expect(s).toMatch(/^FROM node:20-bookworm-slim\b/);
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/npm run build:web/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });

  it('runs as the unprivileged node user, with a health check on /healthz, and starts main.ts', () => {
    const runtime = lines.slice(lines.indexOf(stages[1]!));
    const user = runtime.findIndex((l) => /^USER /.test(l));
    const cmd = runtime.findIndex((l) => /^CMD /.test(l));
    expect(runtime[user]).toBe('USER node');
    expect(user).toBeLessThan(cmd);
    expect(runtime.some((l) => /^HEALTHCHECK /.test(l))).toBe(true);
    expect(healthScript()).toContain('/healthz');
    const argv = JSON.parse(runtime[cmd]!.slice(4)) as string[];
    // The same arguments as `npm start` and the benchmarks.
    expect(argv).toEqual(['node', ...SERVER_NODE_ARGS, SERVER_ENTRY]);
    expect(existsSync(argv.at(-1)!)).toBe(true);
    const services = /SERVICES=([\w,]+)/.exec(dockerfile)?.[1];
    expect(loadConfig({ SERVICES: services, NODE_ENV: 'development' }).services).toEqual(['web', 'ws', 'worker', 'cron']);
  });

  it('copies only what exists (or what the build stage makes), and ignores runtime state', () => {
    const made = new Set(['node_modules', 'dist']);
    for (const m of dockerfile.matchAll(/^COPY --from=build \S+ (.+) \S+$/gm)) {
      for (const p of m[1]!.split(/\s+/)) {
        const rel = p.replace(/^\/app\//, '');
        expect(made.has(rel) || existsSync(rel), `${rel} exists`).toBe(true);
      }
    }
    for (const entry of ['node_modules', 'data/db', 'data/uploads', 'data/backups', '.git']) expect(dockerignore).toContain(entry);
    // The shipped reference data must reach the image.
    expect(dockerignore).not.toContain('data');
    expect(existsSync('data/sentiment')).toBe(true);
  });

  it('the health check is the same in compose, and tells a live server from a dead port', async () => {
    const script = healthScript();
    expect(services.websocket!.healthcheck!.test).toEqual(['CMD', 'node', '-e', script]);
    // Asynchronously: the server answering the check runs in this very process.
    const run = (port: string) =>
      new Promise<number>((resolve) => {
        const child = execFile(process.execPath, ['-e', script], { env: { ...process.env, PORT: port }, timeout: 15_000 });
        child.on('exit', (code) => resolve(code ?? -1));
      });
    const server = await startServer();
    try {
      expect(await run(new URL(server.url).port)).toBe(0);
      expect(await run(String(await freePort()))).toBe(1);
    } finally {
      await server.stop();
    }
  });
});
