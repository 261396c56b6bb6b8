/**
 * What PostgreSQL did for one system during a phase: transactions and row writes per delivered
 * message (from pg_stat_database) and what its busy sessions were waiting on (sampled from
 * pg_stat_activity). This is how a durable-relay result says why it stopped where it did.
 */
import pg from 'pg';
import { baseDatabaseUrl } from './systems';

export interface PgPhaseStats {
  transactions: number;
  rowsInserted: number;
  rowsUpdated: number;
  /** Share of samples per "wait | statement" among the database's non-idle sessions. */
  topWaits: Array<{ wait: string; statement: string; share: number }>;
  samples: number;
}

interface Counters {
  xact_commit: number;
  tup_inserted: number;
  tup_updated: number;
}

/** Samples one database while `run` runs. */
export async function watchPostgres<T>(databaseUrl: string, run: () => Promise<T>, everyMs = 100): Promise<{ result: T; pg: PgPhaseStats }> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: baseDatabaseUrl() });
  await client.connect();
  const counters = async (): Promise<Counters> => {
    const r = await client.query('SELECT xact_commit, tup_inserted, tup_updated FROM pg_stat_database WHERE datname = $1', [name]);
    const row = r.rows[0] ?? {};
    return { xact_commit: Number(row.xact_commit), tup_inserted: Number(row.tup_inserted), tup_updated: Number(row.tup_updated) };
  };
  try {
    const before = await counters();
    const waits = new Map<string, number>();
    let samples = 0;
    let sampling = true;
    const loop = (async () => {
      while (sampling) {
        const r = await client.query(
          `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS wait, state, regexp_replace(left(query, 60), '\\s+', ' ', 'g') AS q
           FROM pg_stat_activity WHERE datname = $1 AND state <> 'idle' AND pid <> pg_backend_pid()`,
          [name],
        );
        samples++;
        for (const row of r.rows) {
          const wait = row.state === 'idle in transaction' ? 'in transaction, waiting for the client' : row.wait;
          const key = `${wait}|${row.q.trim()}`;
          waits.set(key, (waits.get(key) ?? 0) + 1);
        }
        await new Promise((res) => setTimeout(res, everyMs));
      }
    })();
    const result = await run();
    sampling = false;
    await loop;
    // The statistics collector publishes counters with a short delay.
    await new Promise((res) => setTimeout(res, 700));
    const after = await counters();
    const total = [...waits.values()].reduce((a, b) => a + b, 0) || 1;
    return {
      result,
      pg: {
        transactions: after.xact_commit - before.xact_commit,
        rowsInserted: after.tup_inserted - before.tup_inserted,
        rowsUpdated: after.tup_updated - before.tup_updated,
        topWaits: [...waits.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 6)
          .map(([k, n]) => ({ wait: k.split('|')[0], statement: k.split('|')[1], share: Math.round((n / total) * 1000) / 10 })),
        samples,
      },
    };
  } finally {
    await client.end();
  }
}
