/**
 * Issue 18, finding 8: only a chat's participants (its member and its assignee) may mark it read.
 * Staff who may see the chat but do not write in it get `forbidden`; whoever cannot see it gets
 * `not_found`; over the WebSocket `read` frame and over HTTP alike. A refused read moves no
 * cursor, marks no message read and tells nobody.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startServer, type TestServer } from '../helpers/server';
import { RawClient } from '../helpers/ws-client';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A member's chat with one message from the member; pending unless `assign`. */
async function memberChat(assign: boolean) {
  const member = await server.user('member');
  const chatId = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat.id as string;
  const agent = assign ? await server.user('agent') : null;
  if (agent) await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
  const ack = (await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: crypto.randomUUID(), text: '請問有人在嗎' })).body;
  return { member, agent, chatId, seq: ack.seq as number };
}

/** Whether the member's messages are stored as read, and every read cursor of the chat. */
async function readState(chatId: string) {
  const db = server.desk.database.db;
  const unread = await db.selectFrom('messages').select('seq').where('chat_id', '=', chatId).where('is_read', '=', true).execute();
  const cursors = await db.selectFrom('read_cursors').select(['user_id', 'last_read_seq']).where('chat_id', '=', chatId).execute();
  return { readMessages: unread.length, cursors };
}

describe('read receipts from non-participants', () => {
  it('an agent not holding a pending chat (it sees it in the queue) gets forbidden over WS and HTTP; nothing changes', async () => {
    const { member, chatId, seq } = await memberChat(false);
    const bystander = await server.user('agent');
    const m = await RawClient.connect(server.wsUrl, member.token);
    const a = await RawClient.connect(server.wsUrl, bystander.token);
    a.send({ type: 'read', chatId, seq });
    expect(await a.next((f) => f.type === 'error' || f.type === 'read')).toMatchObject({ type: 'error', code: 'forbidden' });
    const http = await api(server, 'POST', `/api/chats/${chatId}/read`, bystander.token, { seq });
    expect(http.status).toBe(403);
    expect(http.body.error.code).toBe('forbidden');
    expect(await readState(chatId)).toEqual({ readMessages: 0, cursors: [] });
    // The member was told nothing; their own next frame is the pong.
    m.send({ type: 'ping', id: 'after' });
    await m.next((f) => f.type === 'pong' && f.id === 'after');
    expect(m.frames.some((f) => f.type === 'read')).toBe(false);
    m.close();
    a.close();
  });

  it('a supervisor watching the chat gets forbidden; an agent who cannot see it gets not_found', async () => {
    const { chatId, seq } = await memberChat(true);
    const supervisor = await server.user('supervisor');
    const outsider = await server.user('agent');
    const s = await RawClient.connect(server.wsUrl, supervisor.token);
    s.send({ type: 'read', chatId, seq });
    expect(await s.next((f) => f.type === 'error')).toMatchObject({ code: 'forbidden' });
    expect((await api(server, 'POST', `/api/chats/${chatId}/read`, supervisor.token, { seq })).status).toBe(403);
    const o = await RawClient.connect(server.wsUrl, outsider.token);
    o.send({ type: 'read', chatId, seq });
    expect(await o.next((f) => f.type === 'error')).toMatchObject({ code: 'not_found' });
    const http = await api(server, 'POST', `/api/chats/${chatId}/read`, outsider.token, { seq });
    expect(http.status).toBe(404);
    expect(http.body.error.code).toBe('not_found');
    expect(await readState(chatId)).toEqual({ readMessages: 0, cursors: [] });
    s.close();
    o.close();
  });

  it('the assignee marks the member’s messages read (WS), the member its own (HTTP); both are told', async () => {
    const { member, agent, chatId, seq } = await memberChat(true);
    const m = await RawClient.connect(server.wsUrl, member.token);
    const a = await RawClient.connect(server.wsUrl, agent!.token);
    a.send({ type: 'read', chatId, seq });
    expect(await m.next((f) => f.type === 'read')).toEqual({ type: 'read', chatId, userId: agent!.id, seq });
    expect((await readState(chatId)).readMessages).toBeGreaterThan(0);
    const http = await api(server, 'POST', `/api/chats/${chatId}/read`, member.token, { seq });
    expect(http.status).toBe(200);
    expect(http.body).toEqual({ chatId, seq });
    expect(await a.next((f) => f.type === 'read' && f.userId === member.id)).toMatchObject({ chatId, seq });
    m.close();
    a.close();
  });

  it('refuses a malformed HTTP read with invalid', async () => {
    const { member, chatId } = await memberChat(false);
    for (const body of [{}, { seq: -1 }, { seq: 'one' }, { seq: 1.5 }]) {
      const res = await api(server, 'POST', `/api/chats/${chatId}/read`, member.token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid');
    }
  });
});
