/**
 * A test run's identity on the shared PostgreSQL server: every database a run makes is named
 * `ldt_<run>_…`, so the run's teardown drops its own and never another run's (several runs may
 * share one server).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The run's id: set by the global setup (test/setup/global.ts) so every worker shares it. */
export function testRunId(): string {
  process.env.LOTUSDESK_TEST_RUN ??= randomUUID().replace(/-/g, '').slice(0, 10);
  return process.env.LOTUSDESK_TEST_RUN;
}

/** The prefix of every database a run makes (`ldt_<run>_…`); teardown drops what starts with it. */
export function runDatabasePrefix(run = testRunId()): string {
  return `ldt_${run}_`;
}

/** The URL of database `name` on the server of `baseUrl`. */
export function urlFor(baseUrl: string, name: string): string {
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs `fn` on a connection of its own to `baseUrl`, closed afterwards. */
export async function withClient<T>(baseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A new database name of this run (`ldt_<run>_<suffix>`); the suffix is random unless given. */
export function newDatabaseName(suffix = randomUUID().replace(/-/g, '').slice(0, 12)): string {
  return `${runDatabasePrefix()}${suffix}`;
}

/** Drops every database of the run, the template included (teardown). */
export async function dropRunDatabases(baseUrl: string, run: string): Promise<void> {
  await withClient(baseUrl, async (c) => {
    const prefix = runDatabasePrefix(run).replace(/_/g, '\\_');
    const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${prefix}%`]);
    for (const { datname } of rows) {
      await c.query(`ALTER DATABASE "${datname}" WITH IS_TEMPLATE false`).catch(() => {});
      await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
    }
  });
}
