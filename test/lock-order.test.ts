/**
 * Writers of many chat rows at once lock them in id order, as the group commit does, so they
 * never deadlock with it (PostgreSQL would break the deadlock only after a second).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers/server';
import { until } from './helpers/wait';

const pgBase = process.env.TEST_DATABASE_URL;
if (!pgBase) console.warn('!! lock-order test SKIPPED: it needs TEST_DATABASE_URL (two sessions on PostgreSQL)');

describe.skipIf(!pgBase)('chat row lock order (PostgreSQL)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a mood write waiting behind a group-commit-like transaction does not deadlock with it', async () => {
    // The higher id is stored first, so a scan in storage order meets it first.
    const high = 'ffffffff-0000-4000-8000-000000000001';
    const low = '00000000-0000-4000-8000-000000000001';
    const ids = [high, low];
    for (const id of ids) {
      const member = await server.user('member');
      await server.desk.database.db.insertInto('chats').values({ id, member_id: member.id, topic: '鎖序', status: 'open', created_at: new Date(), updated_at: new Date() }).execute();
    }
    const other = new pg.Client({ connectionString: server.databaseUrl! });
    await other.connect();
    try {
      // Like a group commit: lock the chats in id order, with a moment between the two.
      await other.query('BEGIN');
      await other.query('SELECT id FROM chats WHERE id = $1 FOR UPDATE', [low]);
      // Moods of both, the higher id first (an unordered update would lock it first).
      const moods = Promise.allSettled([server.desk.desk.recordSentiment(high, -0.9), server.desk.desk.recordSentiment(low, -0.8)]);
      // The moods' write is now waiting for the lock on the lower id (an unordered one holds the higher).
      const watcher = new pg.Client({ connectionString: server.databaseUrl! });
      await watcher.connect();
      try {
        await until(async () => (await watcher.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rowCount! > 0);
      } finally {
        await watcher.end();
      }
      await other.query('SELECT id FROM chats WHERE id = $1 FOR UPDATE', [high]);
      await other.query('COMMIT');
      expect((await moods).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    } finally {
      await other.end();
    }
    const rows = await server.desk.database.db.selectFrom('chats').select(['id', 'min_sentiment']).where('id', 'in', ids).execute();
    expect(Object.fromEntries(rows.map((r) => [r.id, Math.round(Number(r.min_sentiment) * 10) / 10]))).toEqual({ [high]: -0.9, [low]: -0.8 });
  });
});
