/**
 * Backups: taken from a running server (the `ops.backup` job the cron role schedules), rotated,
 * and restored into a fresh database that holds every chat and message — for the embedded PGlite
 * (data-directory dump) always, and for PostgreSQL (pg_dump / pg_restore, also through
 * `npm run backup` and `npm run restore`) when the test setup found a server.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/server/db/database';
import { restoreBackup } from '../src/server/ops/backup/backup-service';
import { listBackups } from '../src/server/ops/backup/files';
import { api, freshPostgresDatabase, startServer, type TestServer } from './helpers/server';

const pgBase = process.env.TEST_DATABASE_URL;
if (!pgBase) console.warn('!! PostgreSQL backup tests SKIPPED: they need TEST_DATABASE_URL');

const temp: string[] = [];
const tempDir = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  temp.push(d);
  return d;
};
afterAll(() => {
  for (const d of temp) rmSync(d, { recursive: true, force: true });
});

/** Real traffic over HTTP: members open chats and write, one chat is closed. Returns what exists. */
async function traffic(server: TestServer, chats = 4, perChat = 6) {
  for (let c = 0; c < chats; c++) {
    const m = await server.user('member', `備份居士${c}`);
    const chat = (await api(server, 'POST', '/api/chats', m.token, { topic: `念珠 ${c}` })).body.chat;
    for (let i = 0; i < perChat; i++) {
      const r = await api(server, 'POST', `/api/chats/${chat.id}/messages`, m.token, { id: `b${c}-${i}`, text: `第${i}則 南無阿彌陀佛 ${c}` });
      expect(r.status).toBe(201);
    }
    if (c === 0) expect((await api(server, 'POST', `/api/chats/${chat.id}/close`, m.token)).status).toBe(200);
  }
  return snapshot(server.desk.database.db);
}

async function snapshot(db: TestServer['desk']['database']['db']) {
  const chats = (await db.selectFrom('chats').select(['id', 'status', 'last_seq']).orderBy('id').execute()).map((c) => `${c.id}:${c.status}:${c.last_seq}`);
  const messages = (await db.selectFrom('messages').select(['id', 'chat_id', 'seq', 'content']).orderBy('id').execute()).map((m) => `${m.id}:${m.chat_id}:${m.seq}:${m.content}`);
  return { chats, messages };
}

const waitFor = async (check: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('backups of the embedded database (PGlite)', () => {
  it('the ops.backup job dumps the live data directory; restoring it into a fresh directory finds every chat and message', async () => {
    const backupDir = tempDir('ld-bk-');
    const server = await startServer({ pglite: true, env: { LOTUSDESK_BACKUP_DIR: backupDir, LOTUSDESK_BACKUP_KEEP: '2' } });
    try {
      const before = await traffic(server);
      expect(before.messages.length).toBeGreaterThanOrEqual(24);
      // The job the cron role enqueues, run by this process's worker role while the server is live.
      await server.desk.bus.enqueue('ops.backup', {});
      await waitFor(() => listBackups(backupDir).length === 1);
      const [file] = listBackups(backupDir);
      expect(file!.kind).toBe('pglite');
      expect(file!.bytes).toBeGreaterThan(10_000);

      const target = join(tempDir('ld-restore-'), 'db');
      await restoreBackup(file!.path, 'pglite', { databaseUrl: null, pgliteDir: target });
      const restored = await openDatabase({ databaseUrl: null, dataDir: join(target, '..') });
      try {
        expect(await snapshot(restored.db)).toEqual(before);
      } finally {
        await restored.close();
      }
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/lotusdesk_backups_total\{result="ok"\} 1/);
    } finally {
      await server.stop();
    }
  });

  it('keeps only the newest LOTUSDESK_BACKUP_KEEP backups', async () => {
    const backupDir = tempDir('ld-bk-');
    const server = await startServer({ pglite: true, env: { LOTUSDESK_BACKUP_DIR: backupDir, LOTUSDESK_BACKUP_KEEP: '2' } });
    try {
      const names: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await server.desk.ops.backups.run({ databaseUrl: null, pglite: server.desk.database.pglite! });
        names.push(r.file.name);
      }
      expect(listBackups(backupDir).map((b) => b.name)).toEqual([names[2], names[1]]);
      expect(readdirSync(backupDir).some((n) => n.endsWith('.partial'))).toBe(false);
    } finally {
      await server.stop();
    }
  });

  it('refuses a restore of a file that is not a backup, and a PGlite dump into PostgreSQL', async () => {
    const dir = tempDir('ld-bad-');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/ops/backup/cli.ts', 'restore', 'package.json'], {
      encoding: 'utf8',
      env: { ...process.env, LOTUSDESK_DATA_DIR: dir },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/neither a pg_dump custom-format file nor a PGlite/);
    await expect(restoreBackup('package.json', 'pglite', { databaseUrl: 'postgres://x@127.0.0.1/y', pgliteDir: dir })).rejects.toThrow(/unset DATABASE_URL/);
    expect(existsSync(join(dir, 'db'))).toBe(false);
  });
});

describe.skipIf(!pgBase)('backups of PostgreSQL (pg_dump / pg_restore)', () => {
  it('the ops.backup job writes a custom-format dump; pg_restore into a fresh database finds every chat and message', async () => {
    const backupDir = tempDir('ld-bk-');
    const server = await startServer({ env: { LOTUSDESK_BACKUP_DIR: backupDir } });
    try {
      expect(server.desk.database.kind).toBe('postgres');
      const before = await traffic(server);
      await server.desk.bus.enqueue('ops.backup', {});
      await waitFor(() => listBackups(backupDir).length === 1);
      const [file] = listBackups(backupDir);
      expect(file!.kind).toBe('postgres');
      const fresh = await freshPostgresDatabase(pgBase!);
      await restoreBackup(file!.path, 'postgres', { databaseUrl: fresh, pgliteDir: '' });
      const restored = await openDatabase({ databaseUrl: fresh, dataDir: tempDir('ld-x-') });
      try {
        expect(await snapshot(restored.db)).toEqual(before);
      } finally {
        await restored.close();
      }
    } finally {
      await server.stop();
    }
  });

  it('npm run backup and npm run restore -- FILE round-trip a database', async () => {
    const dataDir = tempDir('ld-cli-');
    const server = await startServer();
    let before;
    try {
      before = await traffic(server, 2, 3);
    } finally {
      await server.stop();
    }
    const env = { ...process.env, DATABASE_URL: server.databaseUrl!, LOTUSDESK_DATA_DIR: dataDir };
    const b = spawnSync('npm', ['run', '-s', 'backup'], { encoding: 'utf8', env });
    expect(b.status, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/Backup written: .*\.pgdump/);
    const [file] = listBackups(join(dataDir, 'backups'));
    const fresh = await freshPostgresDatabase(pgBase!);
    const r = spawnSync('npm', ['run', '-s', 'restore', '--', file!.path], { encoding: 'utf8', env: { ...env, DATABASE_URL: fresh } });
    expect(r.status, r.stderr).toBe(0);
    const client = new pg.Client({ connectionString: fresh });
    await client.connect();
    try {
      const n = await client.query('SELECT (SELECT count(*) FROM chats)::int AS chats, (SELECT count(*) FROM messages)::int AS messages');
      expect(n.rows[0]).toEqual({ chats: before.chats.length, messages: before.messages.length });
    } finally {
      await client.end();
    }
  });
});
