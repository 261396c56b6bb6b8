/**
 * Named prepared statements on PGlite: the same answers as a query, errors that leave the statement
 * usable, the instance's own parsers, and never a statement slipped into another caller's open
 * transaction. The group commit's statement runs through it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBatchAtOnce } from '../chat/batch-statement';
import type { AppendItem } from '../chat/message-store';
import { openDatabase, type DatabaseHandle } from './database';
import type { Database } from './schema';

let dir: string;
let handle: DatabaseHandle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lotusdesk-prepared-'));
  handle = await openDatabase({ databaseUrl: null, dataDir: dir });
  await sql`CREATE TABLE prepared_probe (n int)`.execute(handle.db);
}, 60_000);
afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('PGlite prepared statements', () => {
  it('answer like a query, again with other values, with the instance\'s parsers', async () => {
    expect(handle.kind).toBe('pglite');
    const text = 'SELECT $1::int + 1 AS next, $2::text AS label, count(*) AS rows FROM generate_series(1, $1::int)';
    expect(await handle.prepared(`probe_answer`, text, [41, '甲'])).toEqual([{ next: 42, label: '甲', rows: 41 }]); // int8 as a number
    expect(await handle.prepared(`probe_answer`, text, [2, null])).toEqual([{ next: 3, label: null, rows: 2 }]);
  });

  it('reject with the database error and stay usable', async () => {
    const text = 'SELECT 10 / $1::int AS q';
    await expect(handle.prepared('probe_divide', text, [0])).rejects.toMatchObject({ code: '22012' });
    expect(await handle.prepared('probe_divide', text, [5])).toEqual([{ q: 2 }]);
    // The connection is clean after the error: an ordinary query still works.
    expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(handle.db)).rows).toEqual([{ one: 1 }]);
  });

  it('wait for a transaction another caller holds open instead of running inside it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let inside!: Transaction<Database>;
    const inserted = new Promise<void>((ready) => {
      void handle.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO prepared_probe VALUES (1)`.execute(trx);
        inside = trx;
        ready();
        await gate;
      });
    });
    await inserted;
    let settled = false;
    const counting = handle.prepared<{ n: number }>('probe_count', 'SELECT count(*)::int AS n FROM prepared_probe', []).finally(() => (settled = true));
    // A later statement of the open transaction: the engine runs statements in the order they
    // queue, so had the prepared one not waited for the transaction it would have finished first.
    await sql`SELECT 1`.execute(inside);
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    release();
    expect(await counting).toEqual([{ n: 1 }]); // after the commit, not in the transaction
  });

  it('carry the group commit: numbered messages, then resends found', async () => {
    const member = (await sql<{ id: string }>`INSERT INTO users (external_id, role, name) VALUES ('prepared-m', 'member', '甲') RETURNING id`.execute(handle.db)).rows[0].id;
    const chat = (await sql<{ id: string }>`INSERT INTO chats (member_id) VALUES (${member}) RETURNING id`.execute(handle.db)).rows[0].id;
    const item = (clientId: string): AppendItem => ({
      chatId: chat, senderId: member, senderRole: 'member', senderName: '甲', kind: 'text', text: `請問 ${clientId}`, clientId, attachments: [], flags: [], requireOpen: true,
    });
    const first = await writeBatchAtOnce(handle.db, [item('a'), item('b')], handle.prepared);
    expect(first!.map((o) => (o.ok ? o.result.message.seq : null))).toEqual([1, 2]);
    const second = await writeBatchAtOnce(handle.db, [item('c')], handle.prepared);
    expect(second!.map((o) => (o.ok ? o.result.message.seq : null))).toEqual([3]);
    // A resend, alone or beside a new message: the unique index fails the statement, nothing is
    // written and it says so (the caller then answers it the careful way).
    expect(await writeBatchAtOnce(handle.db, [item('a')], handle.prepared)).toBeNull();
    expect(await writeBatchAtOnce(handle.db, [item('d'), item('b')], handle.prepared)).toBeNull();
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM messages WHERE chat_id = ${chat}`.execute(handle.db)).rows[0].n).toBe(3);
    // And no seq was spent on what was not written.
    const after = await writeBatchAtOnce(handle.db, [item('d')], handle.prepared);
    expect(after!.map((o) => (o.ok ? o.result.message.seq : null))).toEqual([4]);
  });
});
