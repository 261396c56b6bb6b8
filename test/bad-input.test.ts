/**
 * Bad input over WebSocket and HTTP: each bad frame gets the right error, the connection stays
 * open where the contract says so, nothing is lost, other clients are unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, backend, startServer, type TestServer } from './helpers/server';
import { RawClient } from './helpers/ws-client';
import { until } from './helpers/wait';

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { LOTUSDESK_RATE_FRAMES_PER_SEC: '20', LOTUSDESK_RATE_FRAMES_BURST: '40' } });
});
afterAll(async () => {
  await server?.stop();
});

async function memberWithChat() {
  const member = await server.user('member');
  const chatId = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat.id as string;
  const agent = await server.user('agent');
  await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
  return { member, agent, chatId };
}

describe(`bad input (${backend})`, () => {
  it('answers each malformed frame with invalid and keeps the connection', async () => {
    const { member, chatId } = await memberWithChat();
    const c = await RawClient.connect(server.wsUrl, member.token);
    const cases: Array<[unknown, string | undefined]> = [
      ['not json at all', undefined],
      ['[1,2,3]', undefined],
      [{ type: 'dance' }, 'type'],
      [{ nope: 1 }, 'type'],
      [{ type: 'send', id: 'a1', chatId, text: 42 }, 'text'],
      [{ type: 'send', id: 'a2', chatId }, 'text'],
      [{ type: 'send', chatId, text: 'no id' }, 'id'],
      [{ type: 'send', id: 'x'.repeat(65), chatId, text: 'long id' }, 'id'],
      [{ type: 'send', id: 'a3', chatId: 7, text: 'hi' }, 'chatId'],
      [{ type: 'send', id: 'a4', chatId, text: 'hi', attachments: 'nope' }, 'attachments'],
      [{ type: 'read', chatId, seq: 'one' }, 'seq'],
      [{ type: 'read', chatId: null, seq: 1 }, 'chatId'],
      [{ type: 'typing' }, 'chatId'],
      [{ type: 'ping', id: 5 }, 'id'],
    ];
    // Chat and queue frames of the new chat may arrive meanwhile: each bad frame gets exactly one error.
    const errors = () => c.frames.filter((f) => f.type === 'error').length;
    for (const [frame, field] of cases) {
      const before = errors();
      c.send(frame);
      const err = await c.waitNew((f) => f.type === 'error');
      expect(err.code, JSON.stringify(frame)).toBe('invalid');
      if (field) expect(err.details?.field, JSON.stringify(frame)).toBe(field);
      expect(errors()).toBe(before + 1);
    }
    // Errors that name the client message id carry it.
    c.send({ type: 'send', id: 'a1', chatId, text: 42 });
    expect(await c.waitNew((f) => f.type === 'error')).toMatchObject({ id: 'a1' });
    // Still usable.
    expect(await c.sendMessage(chatId, '我還在')).toMatchObject({ type: 'ack' });
    c.close();
  });

  it('refuses over-long texts, too many attachments, unknown attachments, a 70 KiB frame; connection kept', async () => {
    const { member, chatId } = await memberWithChat();
    const c = await RawClient.connect(server.wsUrl, member.token);
    expect(await c.sendMessage(chatId, '佛'.repeat(4001))).toMatchObject({ type: 'error', code: 'too_large' });
    expect(await c.sendMessage(chatId, '佛'.repeat(4000))).toMatchObject({ type: 'ack' });
    const ids = Array.from({ length: 11 }, () => crypto.randomUUID());
    expect(await c.sendMessage(chatId, 'files', undefined, ids)).toMatchObject({ type: 'error', code: 'too_large' });
    expect(await c.sendMessage(chatId, 'file', undefined, [crypto.randomUUID()])).toMatchObject({ type: 'error', code: 'invalid' });
    expect(await c.sendMessage(chatId, '   ')).toMatchObject({ type: 'error', code: 'invalid' });
    c.send(JSON.stringify({ type: 'send', id: 'big', chatId, text: 'x'.repeat(70 * 1024) }));
    expect(await c.waitNew((f) => f.type === 'error')).toMatchObject({ code: 'too_large' });
    expect(await c.sendMessage(chatId, '大包之後')).toMatchObject({ type: 'ack' });
    expect(c.closeCode).toBeNull();
    c.close();
  });

  it('a burst of thousands of frames is rate limited, the server stays up and others are unaffected', async () => {
    const { member, agent, chatId } = await memberWithChat();
    const flooder = await RawClient.connect(server.wsUrl, member.token);
    const bystander = await RawClient.connect(server.wsUrl, agent.token);
    for (let i = 0; i < 3000; i++) flooder.send(i % 2 ? { type: 'ping', id: `p${i}` } : '{broken');
    const limited = await flooder.next((f) => f.type === 'error' && f.code === 'rate_limited', 10_000);
    expect(limited.details.retryAfterMs).toBeGreaterThan(0);
    // Every frame is answered: pongs, invalids or rate_limited.
    await flooder.count(() => true, 3001, 20_000);
    expect(flooder.frames.filter((f) => f.type === 'pong').length).toBeGreaterThan(0);
    expect(await bystander.sendMessage(chatId, '旁人照常')).toMatchObject({ type: 'ack' });
    expect((await api(server, 'GET', '/healthz')).status).toBe(200);
    // The flooder recovers once its budget refills (a refused try takes no token; the id makes retries safe).
    const recovered = await until(async () => {
      const r = await flooder.sendMessage(chatId, '恢復了', 'recovered-1');
      return r.type === 'ack' ? r : (expect(r.code).toBe('rate_limited'), null);
    }, 5000, 100);
    expect(recovered).toMatchObject({ type: 'ack' });
    flooder.close();
    bystander.close();
  });

  it('refused messages take no seq', async () => {
    const { member, chatId } = await memberWithChat();
    const c = await RawClient.connect(server.wsUrl, member.token);
    const a1 = await c.sendMessage(chatId, '一');
    expect(await c.sendMessage(chatId, '佛'.repeat(5000))).toMatchObject({ type: 'error', code: 'too_large' });
    const a2 = await c.sendMessage(chatId, '二');
    c.close();
    // An automatic reply (the sentiment reaction's) may land between the two: what matters is
    // that the chat's seqs have no gap and the refused text is nowhere.
    const { messages } = (await api(server, 'GET', `/api/chats/${chatId}/messages`, member.token)).body as { messages: Array<{ seq: number; text: string }> };
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    expect(messages.some((m) => m.text.startsWith('佛佛'))).toBe(false);
    expect(a2.seq).toBeGreaterThan(a1.seq);
  });

  it('HTTP: invalid JSON, wrong types, bad ids and unknown routes get the error body', async () => {
    const { member, chatId } = await memberWithChat();
    const broken = await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, '{oops', { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid');
    const wrong = await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 'h1', text: 5 });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'invalid', message: expect.any(String) });
    const missing = await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { text: 'no id' });
    expect(missing.body.error.code).toBe('invalid');
    expect((await api(server, 'GET', '/api/chats/not-a-uuid', member.token)).status).toBe(404);
    expect((await api(server, 'GET', `/api/chats/${crypto.randomUUID()}`, member.token)).status).toBe(404);
    expect((await api(server, 'GET', '/api/chats?status=weird', member.token)).body.error.code).toBe('invalid');
    expect((await api(server, 'GET', `/api/chats/${chatId}/messages?limit=500`, member.token)).body.error.code).toBe('invalid');
    const nowhere = await api(server, 'GET', '/api/nowhere', member.token);
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.error.code).toBe('not_found');
    const huge = await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 'h2', text: 'x'.repeat(70 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('too_large');
    const en = await api(server, 'GET', '/api/chats', undefined, undefined, { 'accept-language': 'en-US,en;q=0.8' });
    expect(en.body.error.message).toMatch(/sign in/i);
    const cn = await api(server, 'GET', '/api/chats', undefined, undefined, { 'accept-language': 'zh-CN' });
    expect(cn.body.error.message).toBe('请先登录，或登录已过期。');
  });
});
