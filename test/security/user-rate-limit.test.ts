/**
 * Issue 18, finding 9: the frame budget is per user across all of the user's sockets and HTTP
 * message sends on a node, not per connection only; invalid frames spend it too; a binary first
 * frame (before hello) closes the socket at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startServer, type TestServer } from '../helpers/server';
import { RawClient } from '../helpers/ws-client';

const PER_SEC = 2;
const BURST = 10;
let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { LOTUSDESK_RATE_FRAMES_PER_SEC: String(PER_SEC), LOTUSDESK_RATE_FRAMES_BURST: String(BURST) } });
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

/** At most this many sends succeed in a burst that lasts `ms`: the bucket plus what refilled. */
const allowance = (ms: number) => BURST + Math.ceil((ms / 1000) * PER_SEC) + 1;

describe('per-user rate limit', () => {
  it('four sockets of one member share one budget', async () => {
    const { member, chatId } = await memberWithChat();
    const sockets = await Promise.all(Array.from({ length: 4 }, () => RawClient.connect(server.wsUrl, member.token)));
    const started = Date.now();
    const answers = await Promise.all(sockets.flatMap((s, i) => Array.from({ length: BURST }, (_, j) => s.sendMessage(chatId, `第${i}-${j}`))));
    const elapsed = Date.now() - started;
    const acks = answers.filter((f) => f.type === 'ack');
    const limited = answers.filter((f) => f.type === 'error' && f.code === 'rate_limited');
    expect(acks.length).toBeLessThanOrEqual(allowance(elapsed));
    expect(acks.length + limited.length).toBe(4 * BURST);
    expect(limited[0].details.retryAfterMs).toBeGreaterThan(0);
    for (const s of sockets) s.close();
  });

  it('HTTP sends spend the same budget and get 429 rate_limited with retryAfterMs', async () => {
    const { member, chatId } = await memberWithChat();
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 3 * BURST }, (_, i) => api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: crypto.randomUUID(), text: `http ${i}` })),
    );
    const elapsed = Date.now() - started;
    const stored = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 429);
    expect(stored.length).toBeLessThanOrEqual(allowance(elapsed));
    expect(stored.length + refused.length).toBe(3 * BURST);
    expect(refused[0].body).toMatchObject({ error: { code: 'rate_limited', details: { retryAfterMs: expect.any(Number) } } });
    expect(refused[0].body.error.details.retryAfterMs).toBeGreaterThan(0);
    expect(typeof refused[0].body.error.message).toBe('string');
    expect(Number(refused[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A socket of the same member draws on what is left: HTTP and WebSocket together stay within one budget.
    const c = await RawClient.connect(server.wsUrl, member.token);
    const answers = await Promise.all(Array.from({ length: BURST }, (_, i) => c.sendMessage(chatId, `ws ${i}`)));
    const wsAcks = answers.filter((f) => f.type === 'ack').length;
    expect(answers.some((f) => f.type === 'error' && f.code === 'rate_limited')).toBe(true);
    expect(stored.length + wsAcks).toBeLessThanOrEqual(allowance(Date.now() - started));
    c.close();
  });

  it('invalid frames spend the budget', async () => {
    const { member, chatId } = await memberWithChat();
    const c = await RawClient.connect(server.wsUrl, member.token);
    for (let i = 0; i < BURST + 5; i++) c.send('{broken');
    await c.count((f) => f.type === 'error', BURST + 5);
    expect(c.frames.filter((f) => f.code === 'rate_limited').length).toBeGreaterThan(0);
    expect(await c.sendMessage(chatId, '還能送嗎')).toMatchObject({ type: 'error', code: 'rate_limited' });
    c.close();
  });

  it('another user is unaffected by a user who spent their budget', async () => {
    const { member, agent, chatId } = await memberWithChat();
    const c = await RawClient.connect(server.wsUrl, member.token);
    for (let i = 0; i < BURST + 5; i++) c.send({ type: 'ping', id: `p${i}` });
    await c.count((f) => f.type === 'error' && f.code === 'rate_limited', 1);
    const a = await RawClient.connect(server.wsUrl, agent.token);
    expect(await a.sendMessage(chatId, '客服照常')).toMatchObject({ type: 'ack' });
    c.close();
    a.close();
  });

  it('a binary first frame closes the socket at once with 1003; a non-JSON one with 4401', async () => {
    const b = await RawClient.open(server.wsUrl);
    const started = Date.now();
    b.ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    expect(await b.closed(5000)).toBe(1003);
    expect(Date.now() - started).toBeLessThan(2000);
    const t = await RawClient.open(server.wsUrl);
    t.send('GET / HTTP/1.1');
    expect(await t.closed(5000)).toBe(4401);
    expect(t.frames[0]).toMatchObject({ type: 'error', code: 'unauthenticated' });
  });
});
