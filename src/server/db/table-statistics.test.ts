/**
 * The statistics keeper: ANALYZE by autovacuum's rule from the rows a node inserts, and what it is
 * for — the group commit's cached generic plan made again once the chats table has grown, so a
 * commit looks its chats up by index instead of scanning them all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendStatement } from '../chat/batch-statement';
import { openDatabase, type DatabaseHandle } from './database';
import { TableStatistics } from './table-statistics';

let dir: string;
let handle: DatabaseHandle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lotusdesk-statistics-'));
  handle = await openDatabase({ databaseUrl: null, dataDir: dir });
}, 60_000);
afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Inserts `n` members with an open chat each. */
async function addChats(n: number, tag: string): Promise<void> {
  await sql`
    WITH m AS (
      INSERT INTO users (external_id, role, name)
      SELECT ${tag} || '-' || g, 'member', '會員' || g FROM generate_series(1, ${n}::int) g RETURNING id
    )
    INSERT INTO chats (member_id, status) SELECT id, 'open' FROM m`.execute(handle.db);
}

const estimatedChats = async () =>
  (await sql<{ n: number }>`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'chats'::regclass`.execute(handle.db)).rows[0].n;

/** The plan PostgreSQL would use for the prepared group commit now. */
async function appendPlan(): Promise<string> {
  // A utility statement takes no bound parameters: the batch's columns as literals.
  const chat = '{00000000-0000-0000-0000-000000000001}';
  const columns = [chat, chat, '{member}', '{text}', '{問}', '{x}', '{"[]"}', '{"[]"}', '{t}'].map((c) => `'${c}'`).join(', ');
  const rows = await sql<{ 'QUERY PLAN': string }>`EXPLAIN EXECUTE lotus_append_probe(${sql.raw(columns)})`.execute(handle.db);
  return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
}

describe('TableStatistics', () => {
  it('analyses after 50 inserted rows, then after 50 plus a tenth of the table', async () => {
    await addChats(60, 'rule');
    const stats = new TableStatistics(handle.db);
    stats.noteInserted('chats', 49);
    await stats.settled();
    expect(stats.analyzed).toBe(0);
    stats.noteInserted('chats', 11);
    await stats.settled();
    expect(stats.analyzed).toBe(1);
    expect(await estimatedChats()).toBe(60);

    // Next due at 50 + 6 rows.
    await addChats(60, 'rule-2');
    stats.noteInserted('chats', 55);
    await stats.settled();
    expect(stats.analyzed).toBe(1);
    stats.noteInserted('chats', 5);
    await stats.settled();
    expect(stats.analyzed).toBe(2);
    expect(await estimatedChats()).toBe(120);

    // Closed: counts nothing more.
    await stats.close();
    stats.noteInserted('chats', 10_000);
    await stats.settled();
    expect(stats.analyzed).toBe(2);
  });

  it('makes the group commit look its chats up by index once the table has grown, and it never scans messages', async () => {
    // A generic plan, as PostgreSQL settles on for a statement prepared and run over and over.
    await sql`SET plan_cache_mode = force_generic_plan`.execute(handle.db);
    try {
      await sql.raw(`PREPARE lotus_append_probe AS ${appendStatement(handle.db)}`).execute(handle.db);
      // Planned while the table is small: scanning every chat is the cheap way then.
      const small = await appendPlan();
      expect(small).toMatch(/Seq Scan on chats/);

      await addChats(20_000, 'grown');
      const stats = new TableStatistics(handle.db);
      // Without statistics the cached plan stays as it was made.
      expect(await appendPlan()).toBe(small);
      stats.noteInserted('chats', 20_000);
      await stats.settled();
      const grown = await appendPlan();
      expect(grown).not.toMatch(/Seq Scan on chats/);
      expect(grown).toMatch(/Index Scan using chats_pkey on chats/);
      for (const plan of [small, grown]) expect(plan).not.toMatch(/Scan[^\n]* on messages/);
    } finally {
      await sql`DEALLOCATE ALL`.execute(handle.db);
      await sql`RESET plan_cache_mode`.execute(handle.db);
    }
  });
});
