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
import { until } from './helpers/wait';

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
  const chats = (await db.selectFrom('chats').select(['id', 'status']).orderBy('id').execute()).map((c) => `${c.id}:${c.status}`);
  const messages = (await db.selectFrom('messages').select(['id', 'chat_id', 'seq', 'content']).orderBy('id').execute()).map((m) => `${m.id}:${m.chat_id}:${m.seq}:${m.content}`);
  return { chats, messages };
}

/**
 * The restored database holds everything the server had before the backup started, and nothing
 * the server never had (reactions may still add replies while it runs, so not necessarily equal).
 */
function expectRestored(restored: Snapshot, before: Snapshot, liveAfter: Snapshot) {
  for (const c of before.chats) expect(restored.chats).toContain(c);
  for (const m of before.messages) expect(restored.messages).toContain(m);
  for (const m of restored.messages) expect(liveAfter.messages).toContain(m);
  expect(restored.chats.length).toBe(before.chats.length);
}
type Snapshot = Awaited<ReturnType<typeof snapshot>>;

const waitFor = async (check: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

// Generous limits: these start servers and spawn tools on a machine other suites also load.
describe('backups of the embedded database (PGlite)', { timeout: 150_000 }, () => {
  it('the ops.backup job dumps the live data directory; restoring it into a fresh directory finds every chat and message; rotation keeps the newest', async () => {
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
        expectRestored(await snapshot(restored.db), before, await snapshot(server.desk.database.db));
      } finally {
        await restored.close();
      }
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/lotusdesk_backups_total\{result="ok"\} 1/);

      // Rotation: two more backups with LOTUSDESK_BACKUP_KEEP=2 leave the newest two.
      const names: string[] = [];
      for (let i = 0; i < 2; i++) names.push((await server.desk.ops.backups.run({ databaseUrl: null, pglite: server.desk.database.pglite! })).file.name);
      expect(listBackups(backupDir).map((b) => b.name)).toEqual([names[1], names[0]]);
      expect(readdirSync(backupDir).some((n) => n.endsWith('.partial'))).toBe(false);
    } finally {
      await server.stop();
    }
  });

  it('a backup taken while members write is consistent: every chat gap-free, everything acked before it present', async () => {
    const backupDir = tempDir('ld-bk-');
    const server = await startServer({ pglite: true, env: { LOTUSDESK_BACKUP_DIR: backupDir } });
    try {
      const before = await traffic(server, 2, 3);
      const m = await server.user('member');
      const chat = (await api(server, 'POST', '/api/chats', m.token, { topic: '併發備份' })).body.chat;
      let writing = true;
      let n = 0;
      const writer = (async () => {
        while (writing) expect((await api(server, 'POST', `/api/chats/${chat.id}/messages`, m.token, { id: `w${n}`, text: `備份中 ${n++}` })).status).toBe(201);
      })();
      await until(() => n >= 3); // members are writing: the backup runs amid their commits
      const r = await server.desk.ops.backups.run({ databaseUrl: null, pglite: server.desk.database.pglite!, db: server.desk.database.db as never });
      writing = false;
      await writer;
      const target = join(tempDir('ld-restore-'), 'db');
      await restoreBackup(r.file.path, 'pglite', { databaseUrl: null, pgliteDir: target });
      const restored = await openDatabase({ databaseUrl: null, dataDir: join(target, '..') });
      try {
        const after = await snapshot(restored.db);
        for (const c of before.chats) expect(after.chats).toContain(c);
        for (const msg of before.messages) expect(after.messages).toContain(msg);
        // Each chat's counter and its messages agree, and seqs run 1..last with no gap.
        const chats = await restored.db.selectFrom('chats').select(['id', 'last_seq']).execute();
        for (const c of chats) {
          const seqs = (await restored.db.selectFrom('messages').select('seq').where('chat_id', '=', c.id).orderBy('seq').execute()).map((x) => x.seq);
          expect(seqs).toEqual(Array.from({ length: c.last_seq }, (_, i) => i + 1));
        }
        expect(n).toBeGreaterThan(0);
      } finally {
        await restored.close();
      }
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

describe.skipIf(!pgBase)('backups of PostgreSQL (pg_dump / pg_restore)', { timeout: 150_000 }, () => {
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
        expectRestored(await snapshot(restored.db), before, await snapshot(server.desk.database.db));
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
    try {
      await traffic(server, 2, 3);
    } finally {
      await server.stop();
    }
    const count = async (url: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query('SELECT (SELECT count(*) FROM chats)::int AS chats, (SELECT count(*) FROM messages)::int AS messages')).rows[0];
      } finally {
        await client.end();
      }
    };
    // Counted once the server stopped: reactions may add replies until then.
    const before = await count(server.databaseUrl!);
    expect(before.messages).toBeGreaterThanOrEqual(6);
    const env = { ...process.env, DATABASE_URL: server.databaseUrl!, LOTUSDESK_DATA_DIR: dataDir };
    const b = spawnSync('npm', ['run', '-s', 'backup'], { encoding: 'utf8', env });
    expect(b.status, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/Backup written: .*\.pgdump/);
    const [file] = listBackups(join(dataDir, 'backups'));
    const fresh = await freshPostgresDatabase(pgBase!);
    const r = spawnSync('npm', ['run', '-s', 'restore', '--', file!.path], { encoding: 'utf8', env: { ...env, DATABASE_URL: fresh } });
    expect(r.status, r.stderr).toBe(0);
    expect(await count(fresh)).toEqual(before);
  });
});
