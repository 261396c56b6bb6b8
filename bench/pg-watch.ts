/**
 * What PostgreSQL did for one system: transactions and row writes per message (from
 * pg_stat_database) and what its busy sessions were waiting on (sampled from pg_stat_activity).
 * This is how a durable-relay result says why it stopped where it did.
 */
import pg from 'pg';
import { cpuSecondsOf } from './proc';
import { baseDatabaseUrl } from './systems';

export interface PgPhaseStats {
  transactions: number;
  rowsInserted: number;
  rowsUpdated: number;
  /** Share of samples per "wait | statement" among the database's non-idle sessions. */
  topWaits: Array<{ wait: string; statement: string; share: number }>;
  samples: number;
  /** CPU of the database's server processes while sampling, in cores (same machine). */
  cpuCores: number;
}

interface Counters {
  xact_commit: number;
  tup_inserted: number;
  tup_updated: number;
}

/**
 * Backends publish their counters when they go idle, at the latest after PostgreSQL's idle flush
 * interval (10 s), so the closing read waits that long after the load has stopped.
 */
const STATS_FLUSH_MS = 11_000;

export class PgWatch {
  private readonly waits = new Map<string, number>();
  private samples = 0;
  private sampling: Promise<void> | null = null;
  private stop = false;
  private before: Counters | null = null;
  /** Backend pid → CPU seconds when first seen; and the last reading. */
  private readonly backends = new Map<number, { first: number; last: number }>();
  private sampledMs = 0;
  private startedAt = 0;

  private constructor(private readonly client: pg.Client, private readonly name: string) {}

  /** Connects (as the superuser of the base URL) and reads the starting counters. */
  static async start(databaseUrl: string): Promise<PgWatch> {
    const client = new pg.Client({ connectionString: baseDatabaseUrl() });
    await client.connect();
    const w = new PgWatch(client, new URL(databaseUrl).pathname.slice(1));
    w.before = await w.counters();
    return w;
  }

  /** Samples what the database's sessions wait on until `stopSampling`. */
  startSampling(everyMs = 100): void {
    this.stop = false;
    this.startedAt = performance.now();
    this.sampling = (async () => {
      while (!this.stop) {
        const r = await this.client.query(
          `SELECT pid, coalesce(wait_event_type || ':' || wait_event, 'CPU') AS wait, state, regexp_replace(left(query, 60), '\\s+', ' ', 'g') AS q
           FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [this.name],
        );
        this.samples++;
        for (const row of r.rows) {
          const cpu = cpuSecondsOf(row.pid);
          const seen = this.backends.get(row.pid);
          if (seen) seen.last = Math.max(seen.last, cpu);
          else this.backends.set(row.pid, { first: cpu, last: cpu });
          if (row.state === 'idle') continue;
          const wait = row.state === 'idle in transaction' ? 'in transaction, waiting for the client' : row.wait;
          const key = `${wait}|${row.q.trim()}`;
          this.waits.set(key, (this.waits.get(key) ?? 0) + 1);
        }
        await new Promise((res) => setTimeout(res, everyMs));
      }
    })();
  }

  async stopSampling(): Promise<void> {
    this.stop = true;
    await this.sampling;
    this.sampledMs = performance.now() - this.startedAt;
    for (const [pid, b] of this.backends) b.last = Math.max(b.last, cpuSecondsOf(pid));
  }

  /** Waits for the counters to be published, reads them and disconnects. */
  async finish(): Promise<PgPhaseStats> {
    try {
      await new Promise((res) => setTimeout(res, STATS_FLUSH_MS));
      const after = await this.counters();
      const before = this.before!;
      const total = [...this.waits.values()].reduce((a, b) => a + b, 0) || 1;
      return {
        transactions: after.xact_commit - before.xact_commit,
        rowsInserted: after.tup_inserted - before.tup_inserted,
        rowsUpdated: after.tup_updated - before.tup_updated,
        topWaits: [...this.waits.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 6)
          .map(([k, n]) => ({ wait: k.split('|')[0], statement: k.split('|')[1], share: Math.round((n / total) * 1000) / 10 })),
        samples: this.samples,
        cpuCores: this.sampledMs ? Math.round(([...this.backends.values()].reduce((sum, b) => sum + b.last - b.first, 0) / (this.sampledMs / 1000)) * 100) / 100 : 0,
      };
    } finally {
      await this.client.end();
    }
  }

  private async counters(): Promise<Counters> {
    const r = await this.client.query('SELECT xact_commit, tup_inserted, tup_updated FROM pg_stat_database WHERE datname = $1', [this.name]);
    const row = r.rows[0] ?? {};
    return { xact_commit: Number(row.xact_commit), tup_inserted: Number(row.tup_inserted), tup_updated: Number(row.tup_updated) };
  }
}
