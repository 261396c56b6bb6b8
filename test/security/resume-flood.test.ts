/**
 * Issue 18, finding 7: a `hello` with a huge `resume` map. More entries than the contract allows
 * are refused with `too_large` (the connection stays open for a smaller hello); within the cap the
 * cursors are looked up together, not with one database query per chat.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LIMITS } from '../../src/shared/protocol';
import { api, startServer, type TestServer } from '../helpers/server';
import { RawClient } from '../helpers/ws-client';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A member's open chat with `n` messages. */
async function chatWithMessages(n: number) {
  const member = await server.user('member');
  const agent = await server.user('agent');
  const chatId = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat.id as string;
  await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
  for (let i = 0; i < n; i++) await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: crypto.randomUUID(), text: `第${i + 1}句` });
  // Accepting stores a system line too: the chat's own count says where it stands.
  const lastSeq = (await api(server, 'GET', `/api/chats/${chatId}`, member.token)).body.chat.lastSeq as number;
  return { member, agent, chatId, lastSeq };
}

/** Counts the database queries issued while `work` runs. */
async function countQueries(work: () => Promise<void>): Promise<number> {
  const executor = server.desk.database.db.getExecutor();
  const spy = vi.spyOn(executor, 'executeQuery') as unknown as { mock: { calls: unknown[] }; mockRestore(): void };
  try {
    await work();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe('hello with a huge resume map', () => {
  it(`refuses more than ${LIMITS.maxResumeChats} entries with too_large and keeps the socket for a smaller hello`, async () => {
    const { member, chatId, lastSeq } = await chatWithMessages(2);
    const huge = Object.fromEntries(Array.from({ length: 1400 }, () => [crypto.randomUUID(), 0]));
    const c = await RawClient.open(server.wsUrl);
    c.send({ type: 'hello', token: member.token, resume: huge });
    const err = await c.next((f) => f.type === 'error' || f.type === 'welcome');
    expect(err).toMatchObject({ type: 'error', code: 'too_large', details: { field: 'resume', max: LIMITS.maxResumeChats } });
    // Not authenticated by the refused hello, not closed either: a smaller hello works.
    expect(c.frames.some((f) => f.type === 'welcome')).toBe(false);
    expect(c.closeCode).toBeNull();
    c.send({ type: 'hello', token: member.token, resume: { [chatId]: lastSeq - 2 } });
    await c.next((f) => f.type === 'welcome');
    const replayed = await c.count((f) => f.type === 'message' && f.message.chatId === chatId, 2);
    expect(replayed.map((f) => f.message.seq)).toEqual([lastSeq - 1, lastSeq]);
    c.close();
  });

  it(`the largest allowed resume (${LIMITS.maxResumeChats} chats) costs a few queries, not one per chat, and still replays exactly`, async () => {
    const { member, chatId, lastSeq } = await chatWithMessages(3);
    const other = await chatWithMessages(1); // another member's chat: not_found, never replayed
    const resume: Record<string, number> = Object.fromEntries(Array.from({ length: LIMITS.maxResumeChats - 3 }, () => [crypto.randomUUID(), 0]));
    resume[chatId] = lastSeq - 2;
    resume[other.chatId] = 0;
    resume['not-a-uuid'] = 0;
    let c!: RawClient;
    const queries = await countQueries(async () => {
      c = await RawClient.connect(server.wsUrl, member.token, { resume });
      await c.count((f) => f.type === 'error' && f.code === 'not_found', LIMITS.maxResumeChats - 1);
      await c.count((f) => f.type === 'message', 2);
    });
    expect(queries).toBeLessThan(20);
    expect(c.messages(chatId).map((m) => m.seq)).toEqual([lastSeq - 1, lastSeq]);
    expect(c.messages(other.chatId)).toEqual([]);
    const notFound = c.frames.filter((f) => f.type === 'error' && f.code === 'not_found').map((f) => f.details.chatId);
    expect(notFound).toContain(other.chatId);
    expect(notFound).toContain('not-a-uuid');
    expect(notFound).not.toContain(chatId);
    // Live traffic follows the replay.
    await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: crypto.randomUUID(), text: '之後' });
    await c.count((f) => f.type === 'message' && f.message.chatId === chatId, 3);
    expect(c.messages(chatId).map((m) => m.seq)).toEqual([lastSeq - 1, lastSeq, lastSeq + 1]);
    c.close();
  });
});
