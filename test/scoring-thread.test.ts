/**
 * Scoring on a worker thread (production's default on worker nodes) gives exactly the scores of
 * the engine on the event loop, for texts sent together or alone, and a server scoring there
 * stores and pushes the score of a member's message.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { threadScorer } from '../src/server/insight/scoring-pool';
import { SentimentEngine } from '../src/server/insight/sentiment/engine';
import { api, startServer, type TestServer } from './helpers/server';
import { RawClient } from './helpers/ws-client';

const SENTENCES = [
  '心裡好煩惱，每天都失眠，真的好痛苦',
  '心里好烦恼，每天都失眠，真的好痛苦',
  '謝謝，感恩師父，佛像很莊嚴',
  '我不開心',
  '請問念珠何時出貨？',
  '收到的香炉有裂痕，很失望',
  '',
];

let server: TestServer | null = null;
afterAll(async () => {
  await server?.stop();
});

describe('scoring thread', () => {
  it('gives the same scores as the engine on the event loop, batched or alone', async () => {
    const engine = SentimentEngine.load();
    const scorer = threadScorer();
    try {
      const together = await Promise.all(SENTENCES.map((t) => scorer.score(t)));
      expect(together).toEqual(SENTENCES.map((t) => engine.score(t)));
      expect(await scorer.score(SENTENCES[0])).toBe(engine.score(SENTENCES[0]));
      expect(together[0]).toBeLessThan(-0.5);
      expect(together[2]).toBeGreaterThan(0);
    } finally {
      await scorer.close();
    }
  }, 60_000);

  it('a server scoring on its thread stores and pushes the score of a member message', async () => {
    server = await startServer({ env: { LOTUSDESK_SCORING_THREAD: 'on' } });
    const sup = await server.user('supervisor');
    const watcher = await RawClient.connect(server.wsUrl, sup.token);
    const member = await server.user('member');
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: '心情' })).body.chat;
    const sent = await api(server, 'POST', `/api/chats/${chat.id}/messages`, member.token, { id: randomUUID(), text: SENTENCES[0] });
    const frame = await watcher.next((f) => f.type === 'sentiment' && f.messageId === sent.body.messageId, 30_000);
    expect(frame.score).toBe(SentimentEngine.load().score(SENTENCES[0]));
    const stored = await server.desk.database.db.selectFrom('messages').select('sentiment_score').where('id', '=', sent.body.messageId).executeTakeFirstOrThrow();
    expect(stored.sentiment_score).toBe(frame.score);
    watcher.close();
  }, 60_000);
});
