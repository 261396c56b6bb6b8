/**
 * The wire contract, spoken as raw JSON over a plain WebSocket (not the project's client code).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { api, backend, startServer, TEST_SECRET, type TestServer } from './helpers/server';
import { RawClient } from './helpers/ws-client';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A member with an open chat held by an agent, both connected. */
async function openChat() {
  const member = await server.user('member');
  const agent = await server.user('agent');
  const created = await api(server, 'POST', '/api/chats', member.token, { topic: '訂單查詢' });
  expect(created.status).toBe(201);
  const chatId = created.body.chat.id as string;
  const accepted = await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
  expect(accepted.status).toBe(200);
  return { member, agent, chatId };
}

/** Sends over HTTP and returns the stored seq. */
async function sendOverHttp(token: string, chatId: string, text: string): Promise<number> {
  const res = await api(server, 'POST', `/api/chats/${chatId}/messages`, token, { id: crypto.randomUUID(), text });
  expect(res.status).toBe(201);
  return res.body.seq;
}

describe(`WebSocket protocol (${backend})`, () => {
  it('hello → welcome with the user id and role', async () => {
    const member = await server.user('member', '王居士');
    const c = await RawClient.connect(server.wsUrl, member.token);
    expect(c.frames[0]).toMatchObject({ type: 'welcome', userId: member.id, role: 'member' });
    c.close();
  });

  it('send → ack after commit, message delivered to both participants, read and typing relayed', async () => {
    const { member, agent, chatId } = await openChat();
    const m = await RawClient.connect(server.wsUrl, member.token);
    const a = await RawClient.connect(server.wsUrl, agent.token);
    const ack = await m.sendMessage(chatId, '請問我的念珠何時出貨？', 'c-1');
    expect(ack).toMatchObject({ type: 'ack', id: 'c-1', chatId, seq: 2 }); // seq 1 is the accept note
    expect(ack.messageId).toMatch(/[0-9a-f-]{36}/);
    const stored = await api(server, 'GET', `/api/chats/${chatId}/messages`, member.token);
    expect(stored.body.messages.map((x: any) => x.text)).toContain('請問我的念珠何時出貨？');

    const delivered = await a.next((f) => f.type === 'message' && f.message.seq === 2);
    expect(delivered.message).toMatchObject({ chatId, senderId: member.id, senderRole: 'member', kind: 'text', text: '請問我的念珠何時出貨？', attachments: [] });
    await m.next((f) => f.type === 'message' && f.message.seq === 2); // the sender's own connection too
    // The sender hears the ack before its own echo, so a client can match the echo to what it sent.
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => m.sendMessage(chatId, `第 ${i} 則`, `b-${i}`)));
    await m.count((f) => f.type === 'message' && burst.some((b) => b.messageId === f.message.id), 20);
    for (const b of burst) {
      const ackAt = m.frames.findIndex((f) => f.type === 'ack' && f.id === b.id);
      const echoAt = m.frames.findIndex((f) => f.type === 'message' && f.message.id === b.messageId);
      expect(ackAt, b.id).toBeGreaterThanOrEqual(0);
      expect(ackAt, b.id).toBeLessThan(echoAt);
    }

    a.send({ type: 'typing', chatId });
    expect(await m.waitNew((f) => f.type === 'typing')).toEqual({ type: 'typing', chatId, userId: agent.id });

    a.send({ type: 'read', chatId, seq: 2 });
    expect(await m.waitNew((f) => f.type === 'read')).toEqual({ type: 'read', chatId, userId: agent.id, seq: 2 });

    m.send({ type: 'ping', id: 'p1' });
    expect(await m.waitNew((f) => f.type === 'pong')).toEqual({ type: 'pong', id: 'p1' });
    m.close();
    a.close();
  });

  it('50 concurrent sends from three connections give seq 1..50 with no gap and one order everywhere', async () => {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const chatId = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat.id;
    await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
    const conns = [
      await RawClient.connect(server.wsUrl, member.token),
      await RawClient.connect(server.wsUrl, member.token),
      await RawClient.connect(server.wsUrl, agent.token),
    ];
    const acks = await Promise.all(
      Array.from({ length: 50 }, (_, i) => conns[i % 3].sendMessage(chatId, `訊息 ${i}`, `k-${i}`)),
    );
    expect(acks.every((a) => a.type === 'ack')).toBe(true);
    const seqs = acks.map((a) => a.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 2)); // after the accept note (seq 1)
    for (const c of conns) await c.count((f) => f.type === 'message' && f.message.chatId === chatId && f.message.seq >= 2, 50);
    const orders = conns.map((c) => c.messages(chatId).filter((m) => m.seq >= 2).map((m) => `${m.seq}:${m.text}`));
    expect(orders[0].map((s) => Number(s.split(':')[0]))).toEqual(seqs);
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).toEqual(orders[0]);
    // Sends of one connection keep their order.
    const fromFirst = orders[0].filter((s) => Number(s.split(' ')[1]) % 3 === 0).map((s) => Number(s.split(' ')[1]));
    expect(fromFirst).toEqual([...fromFirst].sort((x, y) => x - y));
    conns.forEach((c) => c.close());
  });

  it('texts that need escaping in a batch are stored and delivered exactly, with the createdAt history shows', async () => {
    const { member, agent, chatId } = await openChat();
    const m = await RawClient.connect(server.wsUrl, member.token);
    const a = await RawClient.connect(server.wsUrl, agent.token);
    const texts = ['他說："南無阿彌陀佛"', 'C:\\經文\\心經.txt', '{大悲咒}, NULL', '"', '\\', ' 前後空白 ', '第一行\n第二行', 'NULL'];
    // Sent together, so they ride one group commit.
    const acks = await Promise.all(texts.map((t, i) => m.sendMessage(chatId, t, `esc-${i}`)));
    await a.count((f) => f.type === 'message' && acks.some((x) => x.messageId === f.message.id), texts.length);
    for (const [i, ack] of acks.entries()) {
      const delivered = a.frames.find((f) => f.type === 'message' && f.message.id === ack.messageId);
      expect(delivered.message.text).toBe(texts[i]);
      expect(delivered.message.createdAt).toBe(ack.createdAt);
    }
    const stored = await api(server, 'GET', `/api/chats/${chatId}/messages`, member.token);
    for (const [i, ack] of acks.entries()) {
      const row = stored.body.messages.find((x: any) => x.id === ack.messageId);
      expect(row.text).toBe(texts[i]);
      expect(row.createdAt).toBe(ack.createdAt);
      expect(row.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    m.close();
    a.close();
  });

  it('resending an id gives the original ack and stores one row', async () => {
    const { member, chatId } = await openChat();
    const c = await RawClient.connect(server.wsUrl, member.token);
    const first = await c.sendMessage(chatId, '第一次', 'same-id');
    const again = await c.sendMessage(chatId, '第二次（重送）', 'same-id');
    expect(again).toMatchObject({ type: 'ack', messageId: first.messageId, seq: first.seq, createdAt: first.createdAt });
    const viaHttp = await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 'same-id', text: 'x' });
    expect(viaHttp.body.messageId).toBe(first.messageId);
    const rows = await server.desk.database.db.selectFrom('messages').select(['id']).where('chat_id', '=', chatId).where('client_id', '=', 'same-id').execute();
    expect(rows).toHaveLength(1);
    c.close();
  });

  it('a resend inside a group commit of new messages: the original ack, and no gap in the new seqs', async () => {
    const { member, chatId } = await openChat();
    const c = await RawClient.connect(server.wsUrl, member.token);
    const first = await c.sendMessage(chatId, '原訊息', 'kept-id');
    // Sent in one go, so they share a batch: five new messages with the resend in the middle.
    const acks = await Promise.all([
      ...[0, 1].map((i) => c.sendMessage(chatId, `新 ${i}`, `new-${i}`)),
      c.sendMessage(chatId, '重送', 'kept-id'),
      ...[2, 3, 4].map((i) => c.sendMessage(chatId, `新 ${i}`, `new-${i}`)),
    ]);
    expect(acks[2]).toMatchObject({ messageId: first.messageId, seq: first.seq });
    const fresh = acks.filter((_, i) => i !== 2).map((a) => a.seq);
    expect(fresh).toEqual([1, 2, 3, 4, 5].map((k) => first.seq + k));
    const stored = await server.desk.database.db.selectFrom('messages').select('seq').where('chat_id', '=', chatId).orderBy('seq').execute();
    expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    c.close();
  });

  it('a connection without resume cursors gets every live message in order, even when an earlier one arrives late', async () => {
    // Two nodes commit back to back and publish independently: the later seq can reach a gateway
    // first. Hold back the bus event of the first message until the second has been published.
    const { member, agent, chatId } = await openChat();
    const m = await RawClient.connect(server.wsUrl, member.token);
    const bus = server.desk.bus;
    const publish = bus.publish.bind(bus);
    let held: Parameters<typeof publish>[0] | null = null;
    let first = true;
    bus.publish = (event) => {
      if (event.type === 'message' && event.message.chatId === chatId && first) {
        first = false;
        held = event;
        return;
      }
      publish(event);
      if (held && event.type === 'message' && event.message.chatId === chatId) {
        const late = held;
        held = null;
        publish(late);
      }
    };
    try {
      const one = await sendOverHttp(agent.token, chatId, '先');
      const two = await sendOverHttp(agent.token, chatId, '後');
      await m.count((f) => f.type === 'message' && f.message.chatId === chatId, 2);
      expect(m.messages(chatId).map((x) => x.seq)).toEqual([one, two]);
    } finally {
      bus.publish = publish;
      m.close();
    }
  });

  it('disconnect mid-stream then resume gives exactly the missed messages, then live traffic', async () => {
    const { member, agent, chatId } = await openChat();
    const m = await RawClient.connect(server.wsUrl, member.token);
    const a = await RawClient.connect(server.wsUrl, agent.token);
    for (let i = 0; i < 5; i++) await a.sendMessage(chatId, `前 ${i}`);
    await m.count((f) => f.type === 'message' && f.message.chatId === chatId, 5);
    const lastSeen = Math.max(...m.messages(chatId).map((x) => x.seq));
    m.close();
    for (let i = 0; i < 7; i++) await a.sendMessage(chatId, `斷線時 ${i}`);
    const back = await RawClient.connect(server.wsUrl, member.token, { resume: { [chatId]: lastSeen } });
    await back.count((f) => f.type === 'message', 7);
    a.sendMessage(chatId, '重連後');
    await back.count((f) => f.type === 'message', 8);
    const got = back.messages(chatId).map((x) => x.seq);
    expect(got).toEqual(Array.from({ length: 8 }, (_, i) => lastSeen + 1 + i));
    expect(back.messages(chatId).slice(0, 7).map((x) => x.text)).toEqual(Array.from({ length: 7 }, (_, i) => `斷線時 ${i}`));
    back.close();
    a.close();
  });

  it('a member can never read, list, resume or write another member’s chat', async () => {
    const { chatId } = await openChat();
    const intruder = await server.user('member');
    expect((await api(server, 'GET', `/api/chats/${chatId}`, intruder.token)).status).toBe(404);
    expect((await api(server, 'GET', `/api/chats/${chatId}/messages`, intruder.token)).status).toBe(404);
    expect((await api(server, 'POST', `/api/chats/${chatId}/messages`, intruder.token, { id: 'x', text: 'hi' })).status).toBe(404);
    expect((await api(server, 'POST', `/api/chats/${chatId}/close`, intruder.token)).status).toBe(404);
    const listed = await api(server, 'GET', '/api/chats', intruder.token);
    expect(listed.body.chats.map((c: any) => c.id)).not.toContain(chatId);
    const c = await RawClient.connect(server.wsUrl, intruder.token, { resume: { [chatId]: 0 } });
    const err = await c.next((f) => f.type === 'error');
    expect(err).toMatchObject({ code: 'not_found', details: { chatId } });
    const w = await c.sendMessage(chatId, '偷看');
    expect(w).toMatchObject({ type: 'error', code: 'not_found' });
    c.send({ type: 'read', chatId, seq: 1 });
    expect(await c.waitNew((f) => f.type === 'error')).toMatchObject({ code: 'not_found' });
    // A later answer on the same socket: everything before it has been sent, and none was a message.
    c.send({ type: 'ping', id: 'after' });
    await c.next((f) => f.type === 'pong');
    expect(c.frames.filter((f) => f.type === 'message')).toHaveLength(0);
    c.close();
  });

  it('an agent cannot write into a chat held by someone else, nor accept it (409)', async () => {
    const { chatId } = await openChat();
    const other = await server.user('agent');
    const c = await RawClient.connect(server.wsUrl, other.token);
    expect(await c.sendMessage(chatId, '插話')).toMatchObject({ type: 'error', code: 'not_found' });
    const acc = await api(server, 'POST', `/api/chats/${chatId}/accept`, other.token);
    expect(acc.status).toBe(409);
    expect(acc.body.error.code).toBe('conflict');
    c.close();
  });

  it('an agent may see a pending chat but not write into it before accepting (forbidden)', async () => {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const chatId = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat.id;
    const c = await RawClient.connect(server.wsUrl, agent.token);
    expect(await c.sendMessage(chatId, '你好')).toMatchObject({ type: 'error', code: 'forbidden' });
    c.close();
  });

  it('writing into a closed chat gets chat_closed; status changes arrive as chat frames', async () => {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const m = await RawClient.connect(server.wsUrl, member.token);
    const a = await RawClient.connect(server.wsUrl, agent.token);
    const chatId = (await api(server, 'POST', '/api/chats', member.token, { topic: '法會報名' })).body.chat.id;
    const created = await m.next((f) => f.type === 'chat' && f.chat.id === chatId);
    expect(created.chat).toMatchObject({ status: 'pending', topic: '法會報名', queuePosition: expect.any(Number) });
    await a.next((f) => f.type === 'chat' && f.chat.id === chatId && f.chat.status === 'pending'); // the queue view
    await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
    await m.next((f) => f.type === 'chat' && f.chat.id === chatId && f.chat.status === 'open' && f.chat.assigneeId === agent.id);
    await api(server, 'POST', `/api/chats/${chatId}/close`, agent.token);
    await m.next((f) => f.type === 'chat' && f.chat.id === chatId && f.chat.status === 'closed');
    expect(await m.sendMessage(chatId, '還在嗎')).toMatchObject({ type: 'error', code: 'chat_closed' });
    m.close();
    a.close();
  });

  it('a supervisor watching sees every message of any chat', async () => {
    const sup = await server.user('supervisor');
    const s = await RawClient.connect(server.wsUrl, sup.token);
    const { member, chatId } = await openChat();
    const m = await RawClient.connect(server.wsUrl, member.token);
    const ack = await m.sendMessage(chatId, '主管也看得到嗎');
    await s.next((f) => f.type === 'message' && f.message.id === ack.messageId);
    expect(await s.sendMessage(chatId, '主管插話')).toMatchObject({ type: 'error', code: 'forbidden' });
    m.close();
    s.close();
  });

  it('refuses expired, forged and unknown-role tokens with 4401', async () => {
    const key = new TextEncoder().encode(TEST_SECRET);
    const expired = await new SignJWT({ role: 'member', name: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(key);
    const forged = await new SignJWT({ role: 'admin', name: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setExpirationTime('1h').sign(new TextEncoder().encode('not-the-secret-at-all!!'));
    const badRole = await new SignJWT({ role: 'abbot', name: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setExpirationTime('1h').sign(key);
    for (const token of [expired, forged, badRole, 'garbage']) {
      const c = await RawClient.open(server.wsUrl);
      c.send({ type: 'hello', token });
      expect(await c.next((f) => f.type === 'error')).toMatchObject({ code: 'unauthenticated' });
      expect(await c.closed()).toBe(4401);
      const http = await api(server, 'GET', '/api/chats', token);
      expect(http.status).toBe(401);
      expect(http.body.error.code).toBe('unauthenticated');
    }
  });

  it('a frame before hello is refused with unauthenticated and 4401', async () => {
    const c = await RawClient.open(server.wsUrl);
    c.send({ type: 'ping' });
    expect(await c.next((f) => f.type === 'error')).toMatchObject({ code: 'unauthenticated' });
    expect(await c.closed()).toBe(4401);
  });

  it('error messages follow hello.locale', async () => {
    const member = await server.user('member');
    const c = await RawClient.connect(server.wsUrl, member.token, { locale: 'en' });
    c.send({ type: 'bogus' });
    const err = await c.next((f) => f.type === 'error');
    expect(err.code).toBe('invalid');
    expect(err.message).toMatch(/not valid/);
    c.close();
  });
});
