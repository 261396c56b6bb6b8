/**
 * Batched sentiment score writes keep every message's claim individual: each message is scored
 * once, duplicates (also inside one batch) report no claim, and a busy worker writes few statements.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScoreWriter } from '../src/server/insight/score-writer';
import { api, startServer, type TestServer } from './helpers/server';

let server: TestServer;

beforeAll(async () => {
  // No worker role: the server's own analysis jobs must not score these messages first.
  server = await startServer({ env: { SERVICES: 'web,ws' } });
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

async function storedMessages(n: number): Promise<string[]> {
  const member = await server.user('member');
  const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: '訂單' })).body.chat;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await api(server, 'POST', `/api/chats/${chat.id}/messages`, member.token, { id: `s${i}`, text: `第 ${i} 則` })).body.messageId);
  return ids;
}

describe('ScoreWriter', () => {
  it('claims each message once, in few statements, and reports duplicates as not claimed', async () => {
    const db = server.desk.database.db;
    const ids = await storedMessages(40);
    let statements = 0;
    // A plugin sees every statement the writer sends.
    const counting = db.withPlugin({
      transformQuery: (args) => (statements++, args.node),
      transformResult: async (args) => args.result,
    });
    const writer = new ScoreWriter(counting);
    const first = await Promise.all(ids.map((id, i) => writer.claim(id, -0.5 + i / 100)));
    expect(first.every(Boolean)).toBe(true);
    expect(statements).toBe(1); // one batch, one statement (its commit made asynchronous inside it)
    const rows = await db.selectFrom('messages').select(['id', 'sentiment_score']).where('id', 'in', ids).execute();
    const byId = new Map(rows.map((r) => [r.id, r.sentiment_score]));
    ids.forEach((id, i) => expect(byId.get(id)).toBeCloseTo(-0.5 + i / 100, 5));

    // Again: nothing claimed, nothing overwritten.
    expect((await Promise.all(ids.map((id) => writer.claim(id, 0.9)))).some(Boolean)).toBe(false);
    expect((await db.selectFrom('messages').select('sentiment_score').where('id', '=', ids[0]).executeTakeFirstOrThrow()).sentiment_score).toBeCloseTo(-0.5, 5);

    // The same new message twice in one batch: exactly one claim.
    const [fresh] = await storedMessages(1);
    const twice = await Promise.all([writer.claim(ids[1], 0), writer.claim(fresh, 0.3), writer.claim(fresh, 0.3)]);
    expect(twice.filter(Boolean)).toHaveLength(1);
  });

  it('leaves the connection it used committing synchronously (the relaxed commit is the statement\'s own)', async () => {
    const db = server.desk.database.db;
    const [id] = await storedMessages(1);
    await db.connection().execute(async (conn) => {
      expect(await new ScoreWriter(conn).claim(id, 0.25)).toBe(true);
      // The same connection, next statement: a session-wide setting here would make every later
      // commit on this pooled connection skip its flush, members' messages included.
      const { rows } = await sql<{ synchronous_commit: string }>`SHOW synchronous_commit`.execute(conn);
      expect(rows[0].synchronous_commit).toBe('on');
    });
  });
});

describe('Desk.recordSentiment', () => {
  it('writes the moods of a batch in one statement; only a new low changes the chat', async () => {
    // Two members: a member's second request for a chat returns the one already open.
    const chats = await Promise.all(
      [1, 2].map(async () => (await api(server, 'POST', '/api/chats', (await server.user('member')).token, { topic: '訂單' })).body.chat.id as string),
    );
    const db = server.desk.database.db;
    const lowOf = async (id: string) => (await db.selectFrom('chats').select('min_sentiment').where('id', '=', id).executeTakeFirstOrThrow()).min_sentiment;

    // The desk's database handle, swapped for one that counts the statements it sends.
    const desk = server.desk.desk;
    const inside = desk as unknown as { deps: { db: typeof db } };
    const original = inside.deps.db;
    let updates = 0;
    inside.deps.db = original.withPlugin({
      transformQuery: (args) => (JSON.stringify(args.node).includes('SET min_sentiment') && updates++, args.node),
      transformResult: async (args) => args.result,
    });
    try {
      await Promise.all([
        desk.recordSentiment(chats[0], -0.2),
        desk.recordSentiment(chats[0], -0.7),
        desk.recordSentiment(chats[1], 0.4),
        desk.recordSentiment(chats[0], 0.1),
      ]);
      expect(updates).toBe(1);
      expect(await lowOf(chats[0])).toBeCloseTo(-0.7, 5);
      expect(await lowOf(chats[1])).toBeCloseTo(0.4, 5);
      // Not lower than what is stored: nothing changes.
      await Promise.all([desk.recordSentiment(chats[0], -0.5), desk.recordSentiment(chats[1], -0.1)]);
      expect(await lowOf(chats[0])).toBeCloseTo(-0.7, 5);
      expect(await lowOf(chats[1])).toBeCloseTo(-0.1, 5);
    } finally {
      inside.deps.db = original;
    }
  });
});
