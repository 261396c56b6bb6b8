/** The HTTP API of the contract: chats, history paging, accept, transfer, close, the 404/403 rule. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, backend, startServer, type TestServer } from './helpers/server';
import { RawClient } from './helpers/ws-client';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe(`HTTP API (${backend})`, () => {
  it('health and readiness', async () => {
    expect(await api(server, 'GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await api(server, 'GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ok', checks: { database: 'ok' } } });
  });

  it('a member opening a second chat gets the live one back with 200; only members open chats', async () => {
    const member = await server.user('member');
    const first = await api(server, 'POST', '/api/chats', member.token, { topic: '供養' });
    expect(first.status).toBe(201);
    expect(first.body.chat).toMatchObject({ memberId: member.id, assigneeId: null, status: 'pending', topic: '供養', closedAt: null, lastSeq: 0 });
    const again = await api(server, 'POST', '/api/chats', member.token, {});
    expect(again.status).toBe(200);
    expect(again.body.chat.id).toBe(first.body.chat.id);
    const agent = await server.user('agent');
    expect((await api(server, 'POST', '/api/chats', agent.token, {})).status).toBe(403);
    // Concurrent opens from two devices yield one chat.
    const other = await server.user('member');
    const both = await Promise.all([api(server, 'POST', '/api/chats', other.token, {}), api(server, 'POST', '/api/chats', other.token, {})]);
    expect(both[0].body.chat.id).toBe(both[1].body.chat.id);
  });

  it('lists by role: members their own, agents the queue and theirs, supervisors all', async () => {
    const m1 = await server.user('member');
    const m2 = await server.user('member');
    const agent = await server.user('agent');
    const sup = await server.user('supervisor');
    const c1 = (await api(server, 'POST', '/api/chats', m1.token, {})).body.chat.id;
    const c2 = (await api(server, 'POST', '/api/chats', m2.token, {})).body.chat.id;
    await api(server, 'POST', `/api/chats/${c2}/accept`, (await server.user('agent')).token);
    const mine = (await api(server, 'GET', '/api/chats', m1.token)).body.chats.map((c: any) => c.id);
    expect(mine).toEqual([c1]);
    const agentView = (await api(server, 'GET', '/api/chats', agent.token)).body.chats.map((c: any) => c.id);
    expect(agentView).toContain(c1);
    expect(agentView).not.toContain(c2); // held by another agent
    const pending = (await api(server, 'GET', '/api/chats?status=pending', agent.token)).body.chats;
    expect(pending.every((c: any) => c.status === 'pending' && typeof c.queuePosition === 'number')).toBe(true);
    const all = (await api(server, 'GET', '/api/chats', sup.token)).body.chats.map((c: any) => c.id);
    expect(all).toEqual(expect.arrayContaining([c1, c2]));
    expect((await api(server, 'GET', `/api/chats/${c2}`, agent.token)).status).toBe(404);
    expect((await api(server, 'GET', `/api/chats/${c2}`, sup.token)).status).toBe(200);
  });

  it('history pages backwards by seq with hasMore', async () => {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const chatId = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat.id;
    await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
    for (let i = 1; i <= 120; i++) {
      const r = await api(server, 'POST', `/api/chats/${chatId}/messages`, i % 2 ? member.token : agent.token, { id: `h${i}`, text: `第${i}則` });
      expect(r.status).toBe(201);
    }
    const newest = await api(server, 'GET', `/api/chats/${chatId}/messages`, member.token);
    expect(newest.body.messages).toHaveLength(50);
    expect(newest.body.messages[0].seq).toBe(72);
    expect(newest.body.messages[49].seq).toBe(121);
    expect(newest.body.hasMore).toBe(true);
    const older = await api(server, 'GET', `/api/chats/${chatId}/messages?before=72&limit=100`, member.token);
    expect(older.body.messages.map((m: any) => m.seq)).toEqual(Array.from({ length: 71 }, (_, i) => i + 1));
    expect(older.body.hasMore).toBe(false);
    expect(older.body.messages[0]).toMatchObject({ kind: 'system', senderId: null });
    expect(older.body.messages[1]).toMatchObject({ kind: 'text', senderId: member.id, senderRole: 'member', text: '第1則' });
  });

  it('HTTP send acks with 201 and reaches WebSocket participants', async () => {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const chatId = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat.id;
    await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
    const ws = await RawClient.connect(server.wsUrl, agent.token);
    const sent = await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 'http-1', text: '用 HTTP 傳送' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ id: 'http-1', chatId, seq: 2, messageId: expect.any(String), createdAt: expect.any(String) });
    const got = await ws.next((f) => f.type === 'message' && f.message.id === sent.body.messageId);
    expect(got.message.text).toBe('用 HTTP 傳送');
    ws.close();
  });

  it('accept is atomic: ten agents racing for one chat, one wins and the rest get 409', async () => {
    const member = await server.user('member');
    const chatId = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat.id;
    const agents = await Promise.all(Array.from({ length: 10 }, () => server.user('agent')));
    const results = await Promise.all(agents.map((a) => api(server, 'POST', `/api/chats/${chatId}/accept`, a.token)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(9);
    const winner = results.find((r) => r.status === 200)!.body.chat.assigneeId;
    expect(agents.map((a) => a.id)).toContain(winner);
    // Accepting again is idempotent for the holder; members may not accept.
    const holder = agents.find((a) => a.id === winner)!;
    expect((await api(server, 'POST', `/api/chats/${chatId}/accept`, holder.token)).status).toBe(200);
    expect((await api(server, 'POST', `/api/chats/${chatId}/accept`, member.token)).status).toBe(403);
  });

  it('transfer to a master with a note, back to the queue; only the assignee or a supervisor', async () => {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const master = await server.user('master', '淨心法師');
    const sup = await server.user('supervisor');
    const chatId = (await api(server, 'POST', '/api/chats', member.token, { topic: '家人往生' })).body.chat.id;
    await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
    const masterWs = await RawClient.connect(server.wsUrl, master.token);
    expect((await api(server, 'POST', `/api/chats/${chatId}/transfer`, member.token, { to: 'queue' })).status).toBe(403);
    expect((await api(server, 'POST', `/api/chats/${chatId}/transfer`, agent.token, { to: member.id })).body.error.code).toBe('invalid');
    const t = await api(server, 'POST', `/api/chats/${chatId}/transfer`, agent.token, { to: master.id, note: '居士家人往生，請法師開示' });
    expect(t.status).toBe(200);
    expect(t.body.chat).toMatchObject({ assigneeId: master.id, status: 'open', note: '居士家人往生，請法師開示' });
    const frame = await masterWs.next((f) => f.type === 'chat' && f.chat.id === chatId);
    expect(frame.chat.note).toBe('居士家人往生，請法師開示');
    const sysNote = await masterWs.next((f) => f.type === 'message' && f.message.chatId === chatId && f.message.kind === 'system' && f.message.text.includes('轉接'));
    // The note is private: staff get it as a note, never in the line the member reads.
    expect(sysNote.message.text).not.toContain('請法師開示');
    const noteFrame = await masterWs.next((f) => f.type === 'note' && f.note.chatId === chatId);
    expect(noteFrame.note).toMatchObject({ text: '居士家人往生，請法師開示', authorId: agent.id });
    // The previous agent no longer sees the chat.
    expect((await api(server, 'GET', `/api/chats/${chatId}`, agent.token)).status).toBe(404);
    // A supervisor can reassign anything, including back to the queue.
    const back = await api(server, 'POST', `/api/chats/${chatId}/transfer`, sup.token, { to: 'queue' });
    expect(back.body.chat).toMatchObject({ status: 'pending', assigneeId: null });
    masterWs.close();
  });

  it('close by a participant or supervisor; not by an agent who does not hold it', async () => {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const chatId = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat.id;
    expect((await api(server, 'POST', `/api/chats/${chatId}/close`, agent.token)).status).toBe(403); // sees the queue, cannot close
    const closed = await api(server, 'POST', `/api/chats/${chatId}/close`, member.token);
    expect(closed.body.chat).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
    expect((await api(server, 'POST', `/api/chats/${chatId}/close`, member.token)).status).toBe(200);
    const late = await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 'late', text: '還在嗎' });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('chat_closed');
    // A member can open a new chat after the old one closed.
    expect((await api(server, 'POST', '/api/chats', member.token, {})).status).toBe(201);
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const doc = await api(server, 'GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    for (const path of ['/api/chats', '/api/chats/{id}', '/api/chats/{id}/messages', '/api/chats/{id}/accept', '/api/chats/{id}/transfer', '/api/chats/{id}/close', '/healthz', '/readyz']) {
      expect(Object.keys(doc.body.paths), path).toContain(path);
    }
    expect(doc.body.paths['/api/chats/{id}/messages'].post.requestBody.content['application/json'].schema.required).toEqual(['id', 'text']);
  });

  it('dev login is off when a JWT secret is configured', async () => {
    expect((await api(server, 'POST', '/api/dev/login', undefined, { name: 'x', role: 'admin' })).status).toBe(404);
  });
});
