/**
 * Backups of the embedded database: PGlite's data directory as a gzipped tarball
 * (`dumpDataDir`), restored by creating a PGlite from it (`loadDataDir`) in an empty directory.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import type { Progress } from './progress';

/**
 * Writes a snapshot of a live PGlite to `file`. A checkpoint first flushes committed pages; the
 * tarball is then taken while PGlite runs no statement, so it is a crash-consistent copy that
 * WAL replay brings to the last commit when it is loaded.
 */
export async function dumpPglite(client: PGlite, file: string, progress: Progress): Promise<void> {
  progress.start(3, 'checkpoint');
  await client.exec('CHECKPOINT');
  progress.update(1, 'dumpDataDir');
  const blob = await client.runExclusive(() => client.dumpDataDir('gzip'));
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
