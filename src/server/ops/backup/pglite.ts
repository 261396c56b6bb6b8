/**
 * Backups of the embedded database: PGlite's data directory as a gzipped tarball
 * (`dumpDataDir`), restored by creating a PGlite from it (`loadDataDir`) in an empty directory.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import type { Progress } from './progress';

/**
 * Writes a snapshot of a live PGlite to `file`. PGlite has one session, which the Kysely dialect
 * lends to one transaction at a time: holding it (when the app's `db` is given) means no
 * transaction is half-done while the checkpoint flushes committed pages and the tarball is taken,
 * and PGlite's own lock keeps any statement from running during the copy.
 */
export async function dumpPglite(client: PGlite, file: string, progress: Progress, db?: Kysely<unknown>): Promise<void> {
  progress.start(3, 'checkpoint');
  const snapshot = async (run: (q: string) => Promise<unknown>) => {
    await run('CHECKPOINT');
    progress.update(1, 'dumpDataDir');
    return client.runExclusive(() => client.dumpDataDir('gzip'));
  };
  const blob = db
    ? await db.connection().execute((conn) => snapshot((q) => sql.raw(q).execute(conn)))
    : await snapshot((q) => client.exec(q));
  progress.update(2, 'write');
  await pipeline(Readable.fromWeb(blob.stream() as import('node:stream/web').ReadableStream), createWriteStream(file));
  progress.update(3);
  progress.stop();
}

/**
 * Restores a data-directory dump into `dataDir` (the `db` directory of LOTUSDESK_DATA_DIR). A
 * non-empty target is moved aside to `<dir>.before-restore-<time>` rather than deleted.
 */
export async function restorePglite(file: string, dataDir: string, progress: Progress): Promise<{ movedAside: string | null }> {
  const bytes = statSync(file).size;
  progress.start(bytes + 1, 'read');
  const chunks: Buffer[] = [];
  let read = 0;
  for await (const chunk of createReadStream(file)) {
    chunks.push(chunk as Buffer);
    read += (chunk as Buffer).length;
    progress.update(read);
  }
  let movedAside: string | null = null;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    movedAside = `${dataDir}.before-restore-${new Date().toISOString().replace(/[-:.]/g, '')}`;
    renameSync(dataDir, movedAside);
  }
  mkdirSync(dirname(dataDir), { recursive: true });
  const { PGlite: Engine } = await import('@electric-sql/pglite');
  const db = await Engine.create(dataDir, { loadDataDir: new Blob([Buffer.concat(chunks)], { type: 'application/x-gzip' }) });
  await db.query('SELECT 1');
  await db.close();
  progress.update(bytes + 1, 'loaded');
  progress.stop();
  return { movedAside };
}
