/**
 * Read positions after a reload (`readCursors` on GET /api/chats/:id) and a member's earlier chats
 * for the staff serving them (GET /api/members/:id/chats and the read-only history of one), with
 * the access rule checked both ways; and the distress mark reaching every agent's queue.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startServer, type TestServer } from './helpers/server';
import { RawClient } from './helpers/ws-client';
import { until } from './helpers/wait';

let server: TestServer;
const sockets: RawClient[] = [];
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.stop();
});


const say = async (token: string, chatId: string, text: string) => {
  const r = await api(server, 'POST', `/api/chats/${chatId}/messages`, token, { id: randomUUID(), text });
  expect(r.status).toBe(201);
  return r.body.seq as number;
};

describe('read cursors on GET /api/chats/:id', () => {
  it("gives each reader the others' cursors (not their own), so marks survive a reload", async () => {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: '出貨' })).body.chat;
    expect((await api(server, 'POST', `/api/chats/${chat.id}/accept`, agent.token)).status).toBe(200);
    await say(member.token, chat.id, '請問何時出貨');
    const last = await say(member.token, chat.id, '謝謝');

    const before = await api(server, 'GET', `/api/chats/${chat.id}`, member.token);
    expect(before.body.readCursors).toEqual({});

    const ws = await RawClient.connect(server.wsUrl, agent.token);
    sockets.push(ws);
    ws.send({ type: 'read', chatId: chat.id, seq: last });
    const seen = await until(async () => {
      const r = await api(server, 'GET', `/api/chats/${chat.id}`, member.token);
      return r.body.readCursors[agent.id] ? r.body.readCursors : null;
    });
    expect(seen).toEqual({ [agent.id]: last });
    // The agent's own view leaves out the agent's cursor; the member has read nothing yet.
    expect((await api(server, 'GET', `/api/chats/${chat.id}`, agent.token)).body.readCursors).toEqual({});
    // A supervisor sees both readers' cursors that are not their own.
    const sup = await server.user('supervisor');
    expect((await api(server, 'GET', `/api/chats/${chat.id}`, sup.token)).body.readCursors).toEqual({ [agent.id]: last });
  });
});

describe('GET /api/members/:id/chats', () => {
  async function closedChat(member: { token: string }, topic: string) {
    const holder = await server.user('agent', '前任客服');
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic })).body.chat;
    await api(server, 'POST', `/api/chats/${chat.id}/accept`, holder.token);
    await say(member.token, chat.id, `${topic}：念珠斷了`);
    expect((await api(server, 'POST', `/api/chats/${chat.id}/close`, holder.token)).status).toBe(200);
    return chat.id as string;
  }

  it('lists the earlier chats to the agent holding the current one, and opens a closed one read-only', async () => {
    const member = await server.user('member', '王居士');
    const oldId = await closedChat(member, '舊訂單');
    const agent = await server.user('agent');
    const current = (await api(server, 'POST', '/api/chats', member.token, { topic: '新問題' })).body.chat;

    // Offered (pending): any agent may look; then held by this agent.
    const offered = await api(server, 'GET', `/api/members/${member.id}/chats`, agent.token);
    expect(offered.status).toBe(200);
    await api(server, 'POST', `/api/chats/${current.id}/accept`, agent.token);
    const list = await api(server, 'GET', `/api/members/${member.id}/chats`, agent.token);
    expect(list.status).toBe(200);
    expect(list.body.chats.map((c: { id: string }) => c.id)).toEqual([current.id, oldId]);
    const old = list.body.chats[1];
    expect(old).toMatchObject({ id: oldId, topic: '舊訂單', status: 'closed', assigneeName: '前任客服' });
    expect(typeof old.createdAt).toBe('string');
    expect(typeof old.closedAt).toBe('string');

    // The closed chat is not visible through the chat routes, but is through the member route.
    expect((await api(server, 'GET', `/api/chats/${oldId}/messages`, agent.token)).status).toBe(404);
    const history = await api(server, 'GET', `/api/members/${member.id}/chats/${oldId}/messages`, agent.token);
    expect(history.status).toBe(200);
    expect(history.body.messages.some((m: { text: string }) => m.text === '舊訂單：念珠斷了')).toBe(true);
    // A chat of another member named under this member is not found.
    const other = await server.user('member');
    const otherChat = await closedChat(other, '別人的');
    expect((await api(server, 'GET', `/api/members/${member.id}/chats/${otherChat}/messages`, agent.token)).status).toBe(404);
    expect((await api(server, 'GET', `/api/members/${member.id}/chats/not-a-uuid/messages`, agent.token)).status).toBe(404);

    // Once the chat is closed the agent no longer serves this member: the door shuts.
    await api(server, 'POST', `/api/chats/${current.id}/close`, agent.token);
    expect((await api(server, 'GET', `/api/members/${member.id}/chats`, agent.token)).status).toBe(404);
    expect((await api(server, 'GET', `/api/members/${member.id}/chats/${oldId}/messages`, agent.token)).status).toBe(404);
  });

  it('refuses agents and masters not serving the member, members, and unknown ids; overseers see any member', async () => {
    const member = await server.user('member');
    const oldId = await closedChat(member, '以前');
    const holder = await server.user('agent');
    const current = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat;
    await api(server, 'POST', `/api/chats/${current.id}/accept`, holder.token);

    const bystander = await server.user('agent');
    const master = await server.user('master');
    for (const who of [bystander, master]) {
      const r = await api(server, 'GET', `/api/members/${member.id}/chats`, who.token);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
      expect((await api(server, 'GET', `/api/members/${member.id}/chats/${oldId}/messages`, who.token)).status).toBe(404);
    }
    // The member: their own id is forbidden (they have /api/chats), anyone else's not found.
    const own = await api(server, 'GET', `/api/members/${member.id}/chats`, member.token);
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('forbidden');
    const stranger = await server.user('member');
    expect((await api(server, 'GET', `/api/members/${stranger.id}/chats`, member.token)).status).toBe(404);
    expect((await api(server, 'GET', `/api/members/${member.id}/chats`)).status).toBe(401);

    for (const role of ['supervisor', 'admin'] as const) {
      const o = await server.user(role);
      const r = await api(server, 'GET', `/api/members/${member.id}/chats`, o.token);
      expect(r.status).toBe(200);
      expect(r.body.chats.map((c: { id: string }) => c.id)).toEqual([current.id, oldId]);
      // An agent's id, a random id and garbage are not members.
      expect((await api(server, 'GET', `/api/members/${holder.id}/chats`, o.token)).status).toBe(404);
      expect((await api(server, 'GET', `/api/members/${randomUUID()}/chats`, o.token)).status).toBe(404);
      expect((await api(server, 'GET', `/api/members/x'--/chats`, o.token)).status).toBe(404);
    }
  });
});

describe('distress in the queue', () => {
  it('every agent hears that a waiting chat is in distress (chat frame with distress: true)', async () => {
    const agent = await server.user('agent');
    const ws = await RawClient.connect(server.wsUrl, agent.token);
    sockets.push(ws);
    const member = await server.user('member', '張居士');
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: '求助' })).body.chat;
    await ws.next((f) => f.type === 'chat' && (f.chat as { id: string }).id === chat.id);
    await say(member.token, chat.id, '活不下去了，好想自殺');
    const marked = await ws.next((f) => f.type === 'chat' && (f.chat as { id: string; distress?: boolean }).id === chat.id && (f.chat as { distress?: boolean }).distress === true, 10_000);
    expect(marked.chat).toMatchObject({ id: chat.id, status: 'pending', distress: true, queuePosition: 1 });
    // Let the caring reply land before the server stops (no reaction cut off mid-way).
    await until(async () => (await api(server, 'GET', `/api/chats/${chat.id}/messages`, member.token)).body.messages.some((m: { kind: string }) => m.kind === 'auto_reply'));
  });
});
