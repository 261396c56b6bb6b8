/**
 * Opens the database: node-postgres when DATABASE_URL is set, else embedded PGlite under the data
 * directory (survives restarts). Both run the same migrations at start.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { Database } from './schema';
import { migrations } from './migrations/index';
import type { Db, PreparedRunner } from './db-types';
import { pglitePrepared } from './pglite-prepared';

export type { Db, PreparedRunner } from './db-types';

export interface DatabaseHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** The embedded engine itself (backups dump its data directory). */
  pglite?: PGlite;
  /** Prepared statements (a named statement per pooled connection; on PGlite, pglite-prepared.ts). */
  prepared: PreparedRunner;
  /** Answers true when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// timestamptz as Date, int8 (counts) as numbers: counts never approach 2^53 here.
pg.types.setTypeParser(20, (v) => Number(v));
// Calendar days (holidays) stay 'YYYY-MM-DD' strings: a Date would shift them by time zone.
pg.types.setTypeParser(1082, (v) => v);

/** Opens the configured database and runs pending migrations. */
export async function openDatabase(opts: { databaseUrl: string | null; dataDir: string; poolSize?: number }): Promise<DatabaseHandle> {
  let db: Db;
  let kind: DatabaseHandle['kind'];
  let pglite: PGlite | undefined;
  let prepared: PreparedRunner;
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10, connectionTimeoutMillis: 5000 });
    // A pool error (e.g. the server restarting) must not crash the process; queries fail and retry.
    pool.on('error', () => {});
    // A client checked out when the server goes away (mid-transaction, between statements) emits
    // 'error' on itself, not on the pool: without a listener that would crash the process. Its
    // current or next query fails instead, and the pool discards it on release.
    pool.on('connect', (client) => client.on('error', () => {}));
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    kind = 'postgres';
    prepared = async <R>(name: string, text: string, parameters: readonly unknown[]) =>
      (await pool.query<R & pg.QueryResultRow>({ name, text, values: [...parameters] })).rows as R[];
  } else {
    const dir = join(opts.dataDir, 'db');
    mkdirSync(dir, { recursive: true });
    const { PGlite } = await import('@electric-sql/pglite');
    const client = await PGlite.create(dir, { parsers: { 1082: (v: string) => v, 20: (v: string) => Number(v) } });
    db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
    kind = 'pglite';
    pglite = client;
    prepared = pglitePrepared(client, db);
  }
  await migrate(db);
  return {
    db,
    kind,
    ...(pglite ? { pglite } : {}),
    prepared,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}

/** Runs every pending migration; throws with the failing migration's error. */
export async function migrate(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  }
}
