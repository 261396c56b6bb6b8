/**
 * Change versions per area (filter, corpus, replies). An admin's edit bumps the area's version in
 * the same database; every node polls the small versions table and reloads what changed, so edits
 * apply without a restart on every node (the node that made the edit reloads at once).
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';

export type DharmaArea = 'filter' | 'corpus' | 'replies';

/** Increments an area's version (call after the change committed, or inside its transaction). */
export async function bumpVersion(db: Db, area: DharmaArea): Promise<number> {
  const row = await db
    .updateTable('dharma_versions')
    .set({ version: sql<number>`version + 1` })
    .where('area', '=', area)
    .returning('version')
    .executeTakeFirstOrThrow();
  return Number(row.version);
}

/** The current version of every area. */
export async function readVersions(db: Db): Promise<Record<DharmaArea, number>> {
  const rows = await db.selectFrom('dharma_versions').select(['area', 'version']).execute();
  const out: Record<string, number> = { filter: 0, corpus: 0, replies: 0 };
  for (const r of rows) out[r.area] = Number(r.version);
  return out as Record<DharmaArea, number>;
}

/** Polls the versions and calls `onChange(area)` when an area moved since the last look. */
export class VersionWatcher {
  private seen: Record<DharmaArea, number> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly db: Db,
    private readonly onChange: (area: DharmaArea) => Promise<void>,
    private readonly log: { warn(o: unknown, m?: string): void },
  ) {}

  /** Records the versions that the current in-memory state reflects. */
  async prime(): Promise<void> {
    this.seen = await readVersions(this.db);
  }

  /** Marks an area as seen at a version (the node that made a change already reloaded). */
  mark(area: DharmaArea, version: number): void {
    if (this.seen) this.seen[area] = Math.max(this.seen[area], version);
  }

  /** Starts polling every `ms`. */
  start(ms: number): void {
    this.timer = setInterval(() => void this.poll(), ms);
    this.timer.unref?.();
  }

  /** Stops polling. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One look at the versions; reloads each area that moved. */
  async poll(): Promise<void> {
    if (this.busy || !this.seen) return;
    this.busy = true;
    try {
      const now = await readVersions(this.db);
      for (const area of Object.keys(now) as DharmaArea[]) {
        if (now[area] !== this.seen[area]) {
          await this.onChange(area);
          this.seen[area] = now[area];
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'dharma version poll failed');
    } finally {
      this.busy = false;
    }
  }
}
