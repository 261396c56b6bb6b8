/**
 * Taking, rotating and restoring backups: pg_dump for PostgreSQL, a data-directory dump for the
 * embedded PGlite. The cron role schedules `ops.backup`; a worker runs it; `npm run backup` and
 * `npm run restore -- FILE` drive the same code from the command line.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import { backupName, listBackups, publish, rotate, type BackupFile, type BackupKind } from './files';
import { dumpPglite, restorePglite } from './pglite';
import { dumpPostgres, restorePostgres } from './postgres';
import { silentProgress, type Progress } from './progress';

export interface BackupSource {
  /** PostgreSQL connection string, or null for the embedded database. */
  databaseUrl: string | null;
  /** The open embedded database (needed when `databaseUrl` is null). */
  pglite?: PGlite;
  /** The app's Kysely over that PGlite, whose single session the snapshot holds while it runs. */
  db?: Kysely<unknown>;
}

export interface BackupResult {
  file: BackupFile;
  removed: string[];
  ms: number;
}

export class BackupService {
  constructor(
    private readonly dir: string,
    private readonly keep: number,
  ) {}

  /** Takes one backup into the backup directory and rotates old ones away. */
  async run(source: BackupSource, progress: Progress = silentProgress, now = new Date()): Promise<BackupResult> {
    const started = Date.now();
    const kind: BackupKind = source.databaseUrl ? 'postgres' : 'pglite';
    mkdirSync(this.dir, { recursive: true });
    const final = join(this.dir, backupName(kind, now));
    const partial = `${final}.partial`;
    try {
      if (source.databaseUrl) await dumpPostgres(source.databaseUrl, partial, progress);
      else if (source.pglite) await dumpPglite(source.pglite, partial, progress, source.db);
      else throw new Error('no database to back up');
      publish(partial, final);
    } catch (err) {
      rmSync(partial, { force: true });
      throw err;
    }
    const removed = rotate(this.dir, this.keep);
    const file = listBackups(this.dir).find((b) => b.path === final);
    if (!file) throw new Error(`backup ${final} vanished after writing`);
    return { file, removed, ms: Date.now() - started };
  }

  /** The backups kept, newest first. */
  list(): BackupFile[] {
    return listBackups(this.dir);
  }
}

/**
 * Restores `file` into a database: a PostgreSQL dump into `databaseUrl`, a PGlite dump into the
 * embedded database directory `pgliteDir`. The kind comes from the file.
 */
export async function restoreBackup(
  file: string,
  kind: BackupKind,
  target: { databaseUrl: string | null; pgliteDir: string },
  progress: Progress = silentProgress,
): Promise<{ movedAside: string | null }> {
  if (!existsSync(file)) throw new Error(`no such backup file: ${file}`);
  if (kind === 'postgres') {
    if (!target.databaseUrl) throw new Error('this is a PostgreSQL dump: set DATABASE_URL to the database to restore into');
    await restorePostgres(file, target.databaseUrl, progress);
    return { movedAside: null };
  }
  if (target.databaseUrl) throw new Error('this is an embedded (PGlite) dump: unset DATABASE_URL to restore it into LOTUSDESK_DATA_DIR');
  return restorePglite(file, target.pgliteDir, progress);
}
