/**
 * Backup files on disk: names that sort by time and say what they hold, writes that become
 * visible only when complete, and rotation that keeps the newest N.
 */
import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type BackupKind = 'postgres' | 'pglite';

const EXT: Record<BackupKind, string> = { postgres: '.pgdump', pglite: '.pglite.tar.gz' };
const NAME = /^lotusdesk-(\d{8}T\d{6}\d{3}Z)(\.pgdump|\.pglite\.tar\.gz)$/;

export interface BackupFile {
  path: string;
  name: string;
  kind: BackupKind;
  bytes: number;
  createdAt: Date;
}

/** The file name of a backup taken at `at`: `lotusdesk-20260125T031500123Z.pgdump`. */
export function backupName(kind: BackupKind, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `lotusdesk-${stamp}${EXT[kind]}`;
}

/** What a backup file holds, from its name or, failing that, its first bytes. */
export function kindOf(path: string, head: Buffer): BackupKind | null {
  if (path.endsWith(EXT.postgres) || head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'postgres';
  if (path.endsWith(EXT.pglite) || (head[0] === 0x1f && head[1] === 0x8b)) return 'pglite';
  return null;
}

/** The backups in `dir`, newest first (unfinished `.partial` files are not backups). */
export function listBackups(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: BackupFile[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m) continue;
    const s = m[1]!;
    const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18)}Z`;
    const path = join(dir, name);
    out.push({ path, name, kind: m[2] === EXT.postgres ? 'postgres' : 'pglite', bytes: statSync(path).size, createdAt: new Date(iso) });
  }
  return out.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** Deletes all but the newest `keep` backups; returns the deleted paths. */
export function rotate(dir: string, keep: number): string[] {
  const removed: string[] = [];
  for (const old of listBackups(dir).slice(keep)) {
    rmSync(old.path, { force: true });
    removed.push(old.path);
  }
  return removed;
}

/** Moves a finished `.partial` file to its final name (atomic on one file system). */
export function publish(partial: string, final: string): void {
  renameSync(partial, final);
}
