/**
 * One validated, typed configuration object read from the environment. Fails fast at start with
 * a message naming the variable that is wrong and why.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export const SERVICE_ROLES = ['web', 'ws', 'worker', 'cron'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

const positiveInt = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a positive integer, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const nonNegative = (name: string, fallback: number, integer: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
        ctx.addIssue({ code: 'custom', message: `${name} must be ${integer ? 'a whole number' : 'a number'} ≥ 0 (0 turns it off), got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

/** An optional claim value the shop's tokens must carry (unset or empty: not checked). */
const claimValue = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return null;
      const t = v.trim();
      if (!t || t.length > 256) {
        ctx.addIssue({ code: 'custom', message: `${name} must be 1-256 characters (the exact claim value the shop's tokens carry), got "${v.slice(0, 40)}${v.length > 40 ? '…' : ''}"` });
        return z.NEVER;
      }
      return t;
    });

const envSchema = z.object({
  PORT: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return 3000;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) {
        ctx.addIssue({ code: 'custom', message: `must be a port number 0-65535, got "${v}"` });
        return z.NEVER;
      }
      return n;
    }),
  // Unset: loopback while dev login is on (anyone who reaches it may sign in as anyone), else every address.
  HOST: z.string().optional(),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^postgres(ql)?:\/\//.test(v), 'must start with postgres:// or postgresql://'),
  REDIS_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://'),
  LOTUSDESK_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, 'letters, digits, ":", "_" or "-" (1-64)').optional().default('lotusdesk'),
  LOTUSDESK_DATA_DIR: z.string().optional().default('./data'),
  LOTUSDESK_JWT_SECRET: z
    .string()
    .optional()
    .refine((v) => !v || v.length >= 16, 'must be at least 16 characters (an HS256 shared secret)'),
  LOTUSDESK_JWT_MAX_AGE_SECONDS: positiveInt('LOTUSDESK_JWT_MAX_AGE_SECONDS', 0),
  LOTUSDESK_JWT_ISSUER: claimValue('LOTUSDESK_JWT_ISSUER'),
  LOTUSDESK_JWT_AUDIENCE: claimValue('LOTUSDESK_JWT_AUDIENCE'),
  SERVICES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return [...SERVICE_ROLES];
      const roles = v.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = roles.filter((r) => !(SERVICE_ROLES as readonly string[]).includes(r));
      if (bad.length || roles.length === 0) {
        ctx.addIssue({ code: 'custom', message: `unknown role(s) ${bad.join(', ') || '(none)'}; use a comma list of ${SERVICE_ROLES.join(', ')}` });
        return z.NEVER;
      }
      return roles as ServiceRole[];
    }),
  NODE_ENV: z.string().optional().default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
  LOTUSDESK_RATE_FRAMES_PER_SEC: positiveInt('LOTUSDESK_RATE_FRAMES_PER_SEC', 50),
  LOTUSDESK_RATE_FRAMES_BURST: positiveInt('LOTUSDESK_RATE_FRAMES_BURST', 200),
  // 0 = unset: a user's budget across sockets and HTTP sends is the size of one connection's.
  LOTUSDESK_RATE_USER_PER_SEC: positiveInt('LOTUSDESK_RATE_USER_PER_SEC', 0),
  LOTUSDESK_RATE_USER_BURST: positiveInt('LOTUSDESK_RATE_USER_BURST', 0),
  LOTUSDESK_HEARTBEAT_MS: positiveInt('LOTUSDESK_HEARTBEAT_MS', 30_000),
  // Score messages on a worker thread ('on', the default) or on the event loop ('off').
  LOTUSDESK_SCORING_THREAD: z.enum(['on', 'off']).default('on'),
  LOTUSDESK_TIMEZONE: z
    .string()
    .optional()
    .default('Asia/Taipei')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Asia/Taipei'),
  LOTUSDESK_PRESENCE_GRACE_SECONDS: positiveInt('LOTUSDESK_PRESENCE_GRACE_SECONDS', 30),
  LOTUSDESK_REQUEUE_GRACE_SECONDS: positiveInt('LOTUSDESK_REQUEUE_GRACE_SECONDS', 120),
  LOTUSDESK_INACTIVITY_MINUTES: positiveInt('LOTUSDESK_INACTIVITY_MINUTES', 30),
  LOTUSDESK_SKILL_FALLBACK_SECONDS: positiveInt('LOTUSDESK_SKILL_FALLBACK_SECONDS', 120),
  LOTUSDESK_BACKUP_INTERVAL_HOURS: nonNegative('LOTUSDESK_BACKUP_INTERVAL_HOURS', 24, false),
  LOTUSDESK_BACKUP_KEEP: positiveInt('LOTUSDESK_BACKUP_KEEP', 7),
  LOTUSDESK_BACKUP_DIR: z.string().optional(),
  LOTUSDESK_RETENTION_DAYS: nonNegative('LOTUSDESK_RETENTION_DAYS', 0, true),
  // attachments.size is a 32-bit integer column, and a chat upload has no business near 1 GiB.
  LOTUSDESK_UPLOAD_MAX_BYTES: positiveInt('LOTUSDESK_UPLOAD_MAX_BYTES', 10 * 1024 * 1024).refine((n) => n <= 1024 * 1024 * 1024, 'must be at most 1073741824 (1 GiB)'),
  LOTUSDESK_UPLOAD_DIR: z.string().optional(),
  LOTUSDESK_METRICS_TOKEN: z
    .string()
    .optional()
    .refine((v) => !v || (v.length >= 16 && !/\s/.test(v)), 'must be at least 16 characters without spaces (a bearer token for the Prometheus scraper)'),
  LOTUSDESK_EMBED_ORIGINS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v || !v.trim()) return null;
      const origins: string[] = [];
      for (const item of v.split(',').map((s) => s.trim()).filter(Boolean)) {
        const origin = parseOrigin(item);
        if (!origin) {
          ctx.addIssue({ code: 'custom', message: `"${item}" is not an origin; use a comma list like https://shop.example,https://www.shop.example (scheme, host and optional port, no path)` });
          return z.NEVER;
        }
        origins.push(origin);
      }
      return origins.length ? [...new Set(origins)] : null;
    }),
  // canon (the shipped 34 texts), core (the eight shipped before it) or a folder with a catalog.tsv.
  LOTUSDESK_SUTRA_CORPUS: z
    .string()
    .optional()
    .default('canon')
    .refine((v) => v === 'canon' || v === 'core' || existsSync(join(resolve(v), 'catalog.tsv')), 'must be canon, core or a folder holding a catalog.tsv'),
  LOTUSDESK_WEBHOOK_ALLOW_PRIVATE: z.enum(['0', '1', '']).optional(),
  LOTUSDESK_WEBHOOK_RETRY_SECONDS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return [5, 30, 120, 600, 1800, 3600, 10800, 21600];
      const list = v.split(',').map((s) => Number(s.trim()));
      if (list.some((n) => !Number.isFinite(n) || n <= 0)) {
        ctx.addIssue({ code: 'custom', message: `must be a comma list of positive seconds between attempts (e.g. 5,30,120), got "${v}"` });
        return z.NEVER;
      }
      return list;
    }),
  LOTUSDESK_WEBHOOK_DISABLE_AFTER_HOURS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return 24;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) {
        ctx.addIssue({ code: 'custom', message: `must be a positive number of hours, got "${v}"` });
        return z.NEVER;
      }
      return n;
    }),
  // Ed25519 PKCS#8 PEM (inline, \n escapes allowed) or a file path; unset: generated into the data directory.
  LOTUSDESK_ATTESTATION_KEY: z.string().optional(),
});

/** An origin `scheme://host[:port]` (http or https, nothing after it), normalised; null if not one. */
function parseOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  // Only the origin itself: a path, query, fragment or credentials would mean something else was meant.
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return null;
  return url.origin;
}

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  redisPrefix: string;
  dataDir: string;
  jwtSecret: string | null;
  /** Optional token checks: maximum age from `iat` (sockets close when they reach it), `iss`, `aud`. */
  jwt: { maxAgeSeconds: number | null; issuer: string | null; audience: string | null };
  services: ServiceRole[];
  /** Sentiment scoring on its own thread (insight/scoring-pool.ts). */
  scoringThread: boolean;
  production: boolean;
  /** Dev login and demo users exist only without a shared secret and outside production. */
  devLogin: boolean;
  logLevel: string;
  /** Frame budgets (token buckets): per connection, and per user across sockets and HTTP sends. */
  rateLimit: { framesPerSec: number; burst: number; userPerSec: number; userBurst: number };
  heartbeatMs: number;
  desk: { timezone: string; offlineGraceMs: number; requeueGraceMs: number; inactivityMs: number; skillFallbackMs: number };
  /** Backups (interval 0 = none scheduled) and retention (0 days = keep forever). */
  ops: { backupIntervalMs: number; backupKeep: number; backupDir: string; retentionDays: number };
  /** Where uploads live (absolute) and the largest accepted file in bytes. */
  uploads: { dir: string; maxBytes: number };
  /** Bearer token /metrics requires; null: open, except in production where only direct loopback scrapes are served. */
  metricsToken: string | null;
  /** Origins of the shop's pages that may frame /embed and talk to it, besides this server's own; null: none. */
  embedOrigins: string[] | null;
  /** The sutra corpus citations are verified against: `canon`, `core` or a folder with a `catalog.tsv`. */
  sutraCorpus: string;
  /**
   * Webhook deliveries: private targets allowed (tests, one-machine setups), the waits between
   * attempts (the last repeats), and how long an endpoint may fail before it is disabled.
   */
  webhooks: { allowPrivate: boolean; retryDelaysMs: number[]; disableAfterMs: number; timeoutMs: number };
  /** LOTUSDESK_ATTESTATION_KEY: the tree-head signing key (PEM or path), or null for the data directory's. */
  attestationKey: string | null;
}

/** Thrown at start when the environment is wrong; its message names every bad variable. */
export class ConfigError extends Error {}

/** Reads and validates the configuration; throws ConfigError with a readable message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && !e.LOTUSDESK_JWT_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  LOTUSDESK_JWT_SECRET: required when NODE_ENV=production (the HS256 secret shared with the shop; dev login is disabled in production)',
    );
  }
  const devLogin = !production && !e.LOTUSDESK_JWT_SECRET;
  return {
    port: e.PORT,
    host: e.HOST || (devLogin ? '127.0.0.1' : '0.0.0.0'),
    databaseUrl: e.DATABASE_URL || null,
    redisUrl: e.REDIS_URL || null,
    redisPrefix: e.LOTUSDESK_REDIS_PREFIX,
    dataDir: resolve(e.LOTUSDESK_DATA_DIR),
    jwtSecret: e.LOTUSDESK_JWT_SECRET || null,
    attestationKey: e.LOTUSDESK_ATTESTATION_KEY || null,
    jwt: { maxAgeSeconds: e.LOTUSDESK_JWT_MAX_AGE_SECONDS || null, issuer: e.LOTUSDESK_JWT_ISSUER, audience: e.LOTUSDESK_JWT_AUDIENCE },
    services: e.SERVICES,
    scoringThread: e.LOTUSDESK_SCORING_THREAD === 'on',
    production,
    devLogin,
    logLevel: e.LOG_LEVEL,
    rateLimit: {
      framesPerSec: e.LOTUSDESK_RATE_FRAMES_PER_SEC,
      burst: e.LOTUSDESK_RATE_FRAMES_BURST,
      userPerSec: e.LOTUSDESK_RATE_USER_PER_SEC || e.LOTUSDESK_RATE_FRAMES_PER_SEC,
      userBurst: e.LOTUSDESK_RATE_USER_BURST || e.LOTUSDESK_RATE_FRAMES_BURST,
    },
    heartbeatMs: e.LOTUSDESK_HEARTBEAT_MS,
    desk: {
      timezone: e.LOTUSDESK_TIMEZONE,
      offlineGraceMs: e.LOTUSDESK_PRESENCE_GRACE_SECONDS * 1000,
      requeueGraceMs: e.LOTUSDESK_REQUEUE_GRACE_SECONDS * 1000,
      inactivityMs: e.LOTUSDESK_INACTIVITY_MINUTES * 60_000,
      // A chat that needs a skill or language nobody on duty has waits this long, then goes to anyone available.
      skillFallbackMs: e.LOTUSDESK_SKILL_FALLBACK_SECONDS * 1000,
    },
    ops: {
      backupIntervalMs: Math.round(e.LOTUSDESK_BACKUP_INTERVAL_HOURS * 3_600_000),
      backupKeep: e.LOTUSDESK_BACKUP_KEEP,
      backupDir: e.LOTUSDESK_BACKUP_DIR ? resolve(e.LOTUSDESK_BACKUP_DIR) : resolve(e.LOTUSDESK_DATA_DIR, 'backups'),
      retentionDays: e.LOTUSDESK_RETENTION_DAYS,
    },
    uploads: {
      dir: e.LOTUSDESK_UPLOAD_DIR ? resolve(e.LOTUSDESK_UPLOAD_DIR) : resolve(e.LOTUSDESK_DATA_DIR, 'uploads'),
      maxBytes: e.LOTUSDESK_UPLOAD_MAX_BYTES,
    },
    metricsToken: e.LOTUSDESK_METRICS_TOKEN || null,
    embedOrigins: e.LOTUSDESK_EMBED_ORIGINS,
    sutraCorpus: e.LOTUSDESK_SUTRA_CORPUS === 'canon' || e.LOTUSDESK_SUTRA_CORPUS === 'core' ? e.LOTUSDESK_SUTRA_CORPUS : resolve(e.LOTUSDESK_SUTRA_CORPUS),
    webhooks: {
      allowPrivate: e.LOTUSDESK_WEBHOOK_ALLOW_PRIVATE === '1',
      retryDelaysMs: e.LOTUSDESK_WEBHOOK_RETRY_SECONDS.map((s) => Math.round(s * 1000)),
      disableAfterMs: Math.round(e.LOTUSDESK_WEBHOOK_DISABLE_AFTER_HOURS * 3_600_000),
      timeoutMs: 10_000,
    },
  };
}
