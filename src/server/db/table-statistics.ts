/**
 * Keeps the planner's statistics of the chats table current, from this node's own inserts.
 *
 * Why: the group commit is a prepared statement, and PostgreSQL keeps a prepared statement's
 * generic plan until the statistics of its tables change. Planned while a table was empty, that
 * plan scans the whole table and keeps doing so as it grows, so each commit costs more with every
 * row (see docs/decisions/004). The statement reads `messages` only through its unique index, but
 * it locks and updates rows of `chats` by id. Autovacuum would refresh the statistics (and so the
 * plan) on a PostgreSQL server that runs it; PGlite has no autovacuum at all, and some servers
 * turn it off. So each node counts the chats it creates and runs ANALYZE by autovacuum's own
 * rule: after 50 rows plus 10% of the table's size at the last one. The thresholds grow
 * geometrically, so a table of n rows has been analysed about log(n) times, each a bounded sample.
 */
import { sql } from 'kysely';
import type { Db } from './database';

/** The tables the hot path's prepared statements read and that grow (messages are read by index only). */
export type CountedTable = 'chats';

export interface TableStatisticsOptions {
  /** Rows inserted before the first ANALYZE, and added to every threshold (autovacuum: 50). */
  baseThreshold?: number;
  /** Share of the table's size at the last ANALYZE that must be inserted before the next (autovacuum: 0.1). */
  scaleFactor?: number;
  onError?: (err: unknown, table: CountedTable) => void;
}

interface Counter {
  /** Rows this node inserted since the last ANALYZE. */
  inserted: number;
  /** The table's row count as the last ANALYZE found it (0 before the first). */
  rowsAtLastAnalyze: number;
  running: Promise<void> | null;
}

export class TableStatistics {
  private readonly counters = new Map<CountedTable, Counter>();
  private readonly baseThreshold: number;
  private readonly scaleFactor: number;
  private closed = false;
  /** ANALYZE runs done (tests read it). */
  analyzed = 0;

  constructor(
    private readonly db: Db,
    private readonly opts: TableStatisticsOptions = {},
  ) {
    this.baseThreshold = opts.baseThreshold ?? 50;
    this.scaleFactor = opts.scaleFactor ?? 0.1;
  }

  /** Counts rows this node inserted into `table`; starts an ANALYZE in the background when due. */
  noteInserted(table: CountedTable, rows: number): void {
    if (this.closed || rows <= 0) return;
    let counter = this.counters.get(table);
    if (!counter) this.counters.set(table, (counter = { inserted: 0, rowsAtLastAnalyze: 0, running: null }));
    counter.inserted += rows;
    if (!counter.running && this.due(counter)) counter.running = this.analyze(table, counter);
  }

  /** Resolves when no ANALYZE is running (tests, shutdown). */
  async settled(): Promise<void> {
    while ([...this.counters.values()].some((c) => c.running)) {
      await Promise.all([...this.counters.values()].map((c) => c.running));
    }
  }

  /** Stops counting and waits for a running ANALYZE (the database closes next). */
  async close(): Promise<void> {
    this.closed = true;
    await this.settled();
  }

  private due(counter: Counter): boolean {
    return counter.inserted >= this.baseThreshold + this.scaleFactor * counter.rowsAtLastAnalyze;
  }

  private async analyze(table: CountedTable, counter: Counter): Promise<void> {
    counter.inserted = 0;
    try {
      // ANALYZE reads a sample (30,000 rows at most with the default statistics target), so its
      // cost does not grow with the table; the names are the fixed CountedTable values.
      await sql`ANALYZE ${sql.table(table)}`.execute(this.db);
      const row = await sql<{ reltuples: number }>`SELECT reltuples::float8 AS reltuples FROM pg_class WHERE oid = to_regclass(${table})`.execute(this.db);
      counter.rowsAtLastAnalyze = Math.max(0, row.rows[0]?.reltuples ?? 0);
      this.analyzed++;
    } catch (err) {
      this.opts.onError?.(err, table);
    } finally {
      counter.running = null;
    }
    // Rows that arrived meanwhile may already make the next one due.
    if (!this.closed && this.due(counter)) counter.running = this.analyze(table, counter);
  }
}
