/**
 * PostgreSQL backups with pg_dump in the custom format (compressed, restorable table by table with
 * pg_restore), and restores with pg_restore. Progress counts tables, read from the tools'
 * --verbose logs.
 */
import pg from 'pg';
import type { Progress } from './progress';
import { connectionArgs, pgTool, runTool } from './tools';

async function countTables(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  // A server going away mid-query rejects the query; the socket's own error must not crash us.
  client.on('error', () => {});
  await client.connect();
  try {
    const r = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
    );
    return r.rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

/** Dumps the database at `databaseUrl` into `file` (custom format). */
export async function dumpPostgres(databaseUrl: string, file: string, progress: Progress): Promise<void> {
  const total = await countTables(databaseUrl);
  const { url, env } = connectionArgs(databaseUrl);
  let done = 0;
  progress.start(total, 'pg_dump');
  await runTool(pgTool('pg_dump'), ['--format=custom', '--verbose', '--no-owner', '--no-privileges', `--file=${file}`, `--dbname=${url}`], env, (line) => {
    const m = /dumping contents of table "?([^"\s]+)"?/.exec(line);
    if (m) progress.update(Math.min(total, ++done), m[1]);
  });
  progress.update(total);
  progress.stop();
}

/** Restores a custom-format dump into the database at `databaseUrl` (replacing what it holds). */
export async function restorePostgres(file: string, databaseUrl: string, progress: Progress): Promise<void> {
  const restore = pgTool('pg_restore');
  const toc = await runTool(restore, ['--list', file], process.env);
  const total = toc.split('\n').filter((l) => / TABLE DATA /.test(l)).length;
  const { url, env } = connectionArgs(databaseUrl);
  let done = 0;
  progress.start(total, 'pg_restore');
  await runTool(
    restore,
    ['--verbose', '--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${url}`, file],
    env,
    (line) => {
      const m = /processing data for table "?([^"\s]+)"?/.exec(line);
      if (m) progress.update(Math.min(total, ++done), m[1]);
    },
  );
  progress.update(total);
  progress.stop();
}
