/**
 * Webhooks against a real receiver (node:http on 127.0.0.1, so LOTUSDESK_WEBHOOK_ALLOW_PRIVATE=1):
 * signatures verify over timestamp and raw body; a failing receiver gets retries with the same
 * delivery id; deliveries are recorded once per (endpoint, event); `message.created` once per
 * stored message without its text; a restart in the middle loses no delivery; an endpoint failing
 * for the whole window is disabled and admins are told; private targets are refused without the
 * flag; API keys with `webhooks:manage` manage endpoints, others get 403.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, backend, startServer, type TestServer } from './helpers/server';
import { until } from './helpers/wait';
import { RawClient } from './helpers/ws-client';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A webhook receiver: records every request and answers what `answer` says. */
class Receiver {
  readonly received: Received[] = [];
  answer: (r: Received, n: number) => number = () => 200;
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        this.received.push(r);
        res.statusCode = this.answer(r, this.received.length);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${address.port}/hooks`;
    return this;
  }

  of(type: string): Received[] {
    return this.received.filter((r) => r.headers['x-lotusdesk-event'] === type);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** What a receiver does: recompute the signature over timestamp + "." + raw body. */
function verifies(r: Received, secret: string): boolean {
  const ts = String(r.headers['x-lotusdesk-timestamp']);
  const expected = `v1=${createHmac('sha256', secret).update(`${ts}.${r.body}`).digest('hex')}`;
  return r.headers['x-lotusdesk-signature'] === expected && Math.abs(Date.now() / 1000 - Number(ts)) < 300;
}

const FAST = { LOTUSDESK_WEBHOOK_ALLOW_PRIVATE: '1', LOTUSDESK_WEBHOOK_RETRY_SECONDS: '0.3,0.6' };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe(`webhooks (${backend})`, () => {
  let server: TestServer;
  let admin: { token: string; id: string };
  beforeAll(async () => {
    server = await startServer({ env: FAST });
    admin = await server.user('admin');
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function hook(receiver: Receiver, events: string[]) {
    const res = await api(server, 'POST', '/api/webhooks', admin.token, { url: receiver.url, events, description: 'shop' });
    expect(res.status).toBe(201);
    cleanups.push(async () => void (await api(server, 'DELETE', `/api/webhooks/${res.body.webhook.id}`, admin.token)));
    return res.body.webhook as { id: string; secret: string; url: string; events: string[] };
  }

  it('delivers subscribed events signed over timestamp and raw body, with the contract headers and event object', async () => {
    const receiver = await new Receiver().start();
    cleanups.push(() => receiver.close());
    const webhook = await hook(receiver, ['chat.created', 'chat.closed']);
    expect(webhook.secret).toMatch(/^whsec_/);
    const listed = (await api(server, 'GET', '/api/webhooks', admin.token)).body.webhooks.find((w: any) => w.id === webhook.id);
    expect(listed).toMatchObject({ url: receiver.url, events: ['chat.created', 'chat.closed'], disabledAt: null });
    expect(listed.secret).toBeUndefined();

    const member = await server.user('member');
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: '祈福' })).body.chat;
    expect((await api(server, 'POST', `/api/chats/${chat.id}/close`, member.token)).status).toBe(200);
    // Deliveries run in parallel: the order of arrival is not promised.
    const created = await until(() => receiver.of('chat.closed').length === 1 && receiver.of('chat.created').find((r) => JSON.parse(r.body).data.chatId === chat.id));
    for (const r of [created, receiver.of('chat.closed')[0]!]) {
      expect(verifies(r, webhook.secret)).toBe(true);
      expect(verifies(r, 'whsec_wrong')).toBe(false);
      const event = JSON.parse(r.body);
      expect(Object.keys(event).sort()).toEqual(['createdAt', 'data', 'id', 'type']);
      expect(r.headers['x-lotusdesk-delivery']).toBe(event.id);
      expect(r.headers['x-lotusdesk-event']).toBe(event.type);
      expect(r.headers['content-type']).toBe('application/json');
    }
    expect(JSON.parse(created.body)).toMatchObject({ type: 'chat.created', data: { chatId: chat.id, memberId: member.id, topic: '祈福' } });
    // Not subscribed: no assignment or message events reach this endpoint.
    expect(receiver.received.every((r) => ['chat.created', 'chat.closed'].includes(String(r.headers['x-lotusdesk-event'])))).toBe(true);

    const log = await api(server, 'GET', `/api/webhooks/${webhook.id}/deliveries`, admin.token);
    expect(log.status).toBe(200);
    expect(log.body.deliveries.map((d: any) => [d.type, d.status, d.attempt])).toEqual(expect.arrayContaining([['chat.created', 'delivered', 1], ['chat.closed', 'delivered', 1]]));
  });

  it('retries a failing receiver with the same delivery id and body until a 2xx; the log shows every attempt counted', async () => {
    const receiver = await new Receiver().start();
    cleanups.push(() => receiver.close());
    receiver.answer = (_r, n) => (n <= 2 ? 500 : 204);
    const webhook = await hook(receiver, ['chat.created']);
    const member = await server.user('member');
    await api(server, 'POST', '/api/chats', member.token, {});
    await until(() => receiver.received.length === 3);
    const [a, b, c] = receiver.received;
    expect(new Set([a, b, c].map((r) => r!.headers['x-lotusdesk-delivery'])).size).toBe(1);
    expect(new Set([a, b, c].map((r) => r!.body)).size).toBe(1);
    for (const r of [a, b, c]) expect(verifies(r!, webhook.secret)).toBe(true);
    // Backoff: the waits follow the schedule (0.3 s, then 0.6 s).
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(250);
    expect(c!.at - b!.at).toBeGreaterThanOrEqual(550);
    expect(c!.at - a!.at).toBeLessThan(2500);
    const [delivery] = await until(async () => {
      const d = (await api(server, 'GET', `/api/webhooks/${webhook.id}/deliveries`, admin.token)).body.deliveries;
      return d[0]?.status === 'delivered' ? d : null;
    });
    expect(delivery).toMatchObject({ eventId: a!.headers['x-lotusdesk-delivery'], attempt: 3, status: 'delivered', responseStatus: 204 });
    // Delivered stays delivered: nothing more arrives.
    await new Promise((r) => setTimeout(r, 800));
    expect(receiver.received).toHaveLength(3);

    // Replay sends the same event again, same id, signed afresh.
    expect((await api(server, 'POST', `/api/webhooks/${webhook.id}/deliveries/${delivery.eventId}/replay`, admin.token)).status).toBe(202);
    await until(() => receiver.received.length === 4);
    expect(receiver.received[3]!.headers['x-lotusdesk-delivery']).toBe(delivery.eventId);
    expect(receiver.received[3]!.body).toBe(a!.body);
    expect(verifies(receiver.received[3]!, webhook.secret)).toBe(true);
  });

  it('an event handled twice (relay, retry) is delivered once per endpoint', async () => {
    const receiver = await new Receiver().start();
    cleanups.push(() => receiver.close());
    const webhook = await hook(receiver, ['chat.closed']);
    const event = { id: randomUUID(), type: 'chat.closed' as const, createdAt: new Date().toISOString(), data: { chatId: randomUUID(), memberId: randomUUID(), assigneeId: null, byUserId: null, reason: 'system' as const } };
    const handle = server.desk.integration.webhooks.listener.on!['chat.closed']!;
    await Promise.all([handle(event, null), handle(event, null), handle(event, null)]);
    await until(() => receiver.received.length >= 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.received).toHaveLength(1);
    const rows = await server.desk.database.db.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', webhook.id).where('event_id', '=', event.id).execute();
    expect(rows).toHaveLength(1);
  });

  it('message.created: once per stored message, system lines included, ids and kind but never the text', async () => {
    const receiver = await new Receiver().start();
    cleanups.push(() => receiver.close());
    await hook(receiver, ['message.created']);
    const member = await server.user('member');
    const chat = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat;
    const secret = '我的私密心事 secret-text-123';
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push((await api(server, 'POST', `/api/chats/${chat.id}/messages`, member.token, { id: `m${i}`, text: `${secret} ${i}` })).body);
    // A resend of the same client id stores nothing new, so no new event.
    await api(server, 'POST', `/api/chats/${chat.id}/messages`, member.token, { id: 'm0', text: `${secret} 0` });
    const stored = await server.desk.database.db.selectFrom('messages').select(['id', 'seq', 'kind']).where('chat_id', '=', chat.id).execute();
    await until(() => receiver.received.filter((r) => JSON.parse(r.body).data.chatId === chat.id).length >= stored.length);
    await new Promise((r) => setTimeout(r, 500));
    const mine = receiver.received.map((r) => JSON.parse(r.body)).filter((e) => e.data.chatId === chat.id);
    const storedNow = await server.desk.database.db.selectFrom('messages').select(['id', 'seq', 'kind', 'sender_id']).where('chat_id', '=', chat.id).execute();
    expect(mine.map((e) => e.data.messageId).sort()).toEqual(storedNow.map((m) => m.id).sort());
    for (const s of sent) expect(mine.find((e) => e.data.messageId === s.messageId)).toMatchObject({ id: s.messageId, type: 'message.created', data: { chatId: chat.id, seq: s.seq, kind: 'text', senderId: member.id, senderRole: 'member' } });
    expect(receiver.received.map((r) => r.body).join('\n')).not.toContain('secret-text-123');
    expect(Object.keys(mine[0].data).sort()).toEqual(['chatId', 'kind', 'messageId', 'senderId', 'senderRole', 'seq']);
    // Closing the chat stores the merit line (a system message): it is an event too.
    await api(server, 'POST', `/api/chats/${chat.id}/close`, member.token);
    const system = await until(() => receiver.received.map((r) => JSON.parse(r.body)).find((e) => e.data.chatId === chat.id && e.data.kind === 'system'));
    expect(system.data).toMatchObject({ senderId: null, senderRole: 'system' });
    const row = await server.desk.database.db.selectFrom('messages').select(['seq', 'kind']).where('id', '=', system.data.messageId).executeTakeFirstOrThrow();
    expect(row).toEqual({ seq: system.data.seq, kind: 'system' });
  });

  it('API keys: webhooks:manage manages endpoints; other keys get 403; bad input is 400', async () => {
    const manage = (await api(server, 'POST', '/api/api-keys', admin.token, { name: 'hooks', scopes: ['webhooks:manage'] })).body.apiKey.key;
    const reader = (await api(server, 'POST', '/api/api-keys', admin.token, { name: 'reader', scopes: ['users:read', 'chats:read'] })).body.apiKey.key;
    const created = await api(server, 'POST', '/api/webhooks', manage, { url: 'http://127.0.0.1:9/x', events: ['chat.closed'] });
    expect(created.status).toBe(201);
    expect((await api(server, 'GET', '/api/webhooks', manage)).body.webhooks.map((w: any) => w.id)).toContain(created.body.webhook.id);
    expect((await api(server, 'GET', `/api/webhooks/${created.body.webhook.id}/deliveries`, manage)).body).toEqual({ deliveries: [] });
    expect((await api(server, 'POST', '/api/webhooks', reader, { url: 'http://127.0.0.1:9/x', events: ['chat.closed'] })).status).toBe(403);
    expect((await api(server, 'DELETE', `/api/webhooks/${created.body.webhook.id}`, reader)).status).toBe(403);
    const agent = await server.user('agent');
    expect((await api(server, 'GET', '/api/webhooks', agent.token)).status).toBe(403);
    for (const body of [{ url: 'ftp://example.com/x', events: ['chat.closed'] }, { url: 'not a url', events: ['chat.closed'] }, { url: 'http://127.0.0.1:9/x', events: ['note.created'] }, { url: 'http://127.0.0.1:9/x', events: [] }]) {
      const bad = await api(server, 'POST', '/api/webhooks', manage, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error.code).toBe('invalid');
    }
    expect((await api(server, 'DELETE', `/api/webhooks/${created.body.webhook.id}`, manage)).status).toBe(204);
    expect((await api(server, 'GET', `/api/webhooks/${created.body.webhook.id}/deliveries`, manage)).status).toBe(404);
  });
});

describe(`webhook targets without LOTUSDESK_WEBHOOK_ALLOW_PRIVATE (${backend})`, () => {
  it('refuses loopback, private, link-local and mapped addresses (400 invalid, private_address), and a delivery never connects to one', async () => {
    const server = await startServer();
    cleanups.push(() => server.stop());
    const admin = await server.user('admin');
    for (const url of ['http://127.0.0.1:8080/x', 'http://localhost/x', 'http://10.1.2.3/x', 'http://192.168.0.5/x', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/x', 'http://[::ffff:127.0.0.1]/x', 'http://0.0.0.0/x']) {
      const res = await api(server, 'POST', '/api/webhooks', admin.token, { url, events: ['chat.closed'] });
      expect(res.status, url).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid', details: { reason: 'private_address' } });
    }
    // An endpoint saved while allowed (or a name that later resolves inward) is checked again on
    // the connection itself: the attempt fails without reaching the receiver.
    const receiver = await new Receiver().start();
    cleanups.push(() => receiver.close());
    const row = await server.desk.database.db
      .insertInto('webhooks')
      .values({ url: receiver.url.replace('127.0.0.1', 'localhost'), events: ['chat.created'], secret: 'whsec_x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const member = await server.user('member');
    await api(server, 'POST', '/api/chats', member.token, {});
    const [delivery] = await until(async () => {
      const d = (await api(server, 'GET', `/api/webhooks/${row.id}/deliveries`, admin.token)).body.deliveries;
      return d[0]?.attempt >= 1 && d[0].error ? d : null;
    });
    expect(delivery).toMatchObject({ status: 'pending', error: 'private_address' });
    expect(receiver.received).toHaveLength(0);
  });
});

describe(`webhook deliveries across a restart (${backend})`, () => {
  it('a delivery pending when the process stops is delivered by the next process, same delivery id', async () => {
    const receiver = await new Receiver().start();
    cleanups.push(() => receiver.close());
    receiver.answer = () => 503;
    const dataDir = mkdtempSync(join(tmpdir(), 'lotusdesk-webhook-restart-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // A long wait before the retry: the first process stops long before it.
    const first = await startServer({ dataDir, env: { ...FAST, LOTUSDESK_WEBHOOK_RETRY_SECONDS: '3' } });
    const admin = await first.user('admin');
    const webhook = (await api(first, 'POST', '/api/webhooks', admin.token, { url: receiver.url, events: ['chat.created'] })).body.webhook;
    const member = await first.user('member');
    await api(first, 'POST', '/api/chats', member.token, {});
    await until(() => receiver.received.length === 1);
    const deliveryId = receiver.received[0]!.headers['x-lotusdesk-delivery'];
    // The failed attempt is written down (its retry is due in 3 s) before the process stops; an
    // attempt cut off mid-flight would keep its claim until the claim expires instead.
    await until(async () => (await api(first, 'GET', `/api/webhooks/${webhook.id}/deliveries`, admin.token)).body.deliveries[0]?.error);
    await first.stop();

    receiver.answer = () => 200;
    const second = await startServer({ dataDir, ...(first.databaseUrl ? { databaseUrl: first.databaseUrl } : {}), env: FAST });
    cleanups.push(() => second.stop());
    await until(() => receiver.received.length === 2, 20_000);
    expect(receiver.received[1]!.headers['x-lotusdesk-delivery']).toBe(deliveryId);
    expect(verifies(receiver.received[1]!, webhook.secret)).toBe(true);
    const log = await until(async () => {
      const d = (await api(second, 'GET', `/api/webhooks/${webhook.id}/deliveries`, admin.token)).body.deliveries;
      return d[0]?.status === 'delivered' ? d : null;
    });
    expect(log[0]).toMatchObject({ eventId: deliveryId, attempt: 2 });
  });
});

describe(`webhook endpoints failing for the whole window (${backend})`, () => {
  it('are disabled, their pending deliveries failed, and admins get a webhook.disabled frame', async () => {
    // A window of 1.8 s stands for the day.
    const server = await startServer({ env: { ...FAST, LOTUSDESK_WEBHOOK_DISABLE_AFTER_HOURS: '0.0005' } });
    cleanups.push(() => server.stop());
    const admin = await server.user('admin');
    const watcher = await RawClient.connect(server.wsUrl, admin.token);
    cleanups.push(() => watcher.ws.close());
    const supervisor = await server.user('supervisor');
    const other = await RawClient.connect(server.wsUrl, supervisor.token);
    cleanups.push(() => other.ws.close());
    const receiver = await new Receiver().start();
    cleanups.push(() => receiver.close());
    receiver.answer = () => 500;
    const webhook = (await api(server, 'POST', '/api/webhooks', admin.token, { url: receiver.url, events: ['chat.created'] })).body.webhook;
    const member = await server.user('member');
    await api(server, 'POST', '/api/chats', member.token, {});
    const frame = await watcher.next((f) => f.type === 'webhook.disabled', 15_000);
    expect(frame).toMatchObject({ webhookId: webhook.id, url: receiver.url });
    expect(receiver.received.length).toBeGreaterThanOrEqual(3);
    const listed = (await api(server, 'GET', '/api/webhooks', admin.token)).body.webhooks.find((w: any) => w.id === webhook.id);
    expect(listed).toMatchObject({ disabledReason: 'failing' });
    expect(listed.disabledAt).not.toBeNull();
    const log = (await api(server, 'GET', `/api/webhooks/${webhook.id}/deliveries`, admin.token)).body.deliveries;
    expect(log.every((d: any) => d.status === 'failed')).toBe(true);
    // Disabled: new events are not delivered.
    const before = receiver.received.length;
    await api(server, 'POST', '/api/chats', (await server.user('member')).token, {});
    await new Promise((r) => setTimeout(r, 700));
    expect(receiver.received.length).toBe(before);
    expect(other.frames.some((f) => f.type === 'webhook.disabled')).toBe(false);
    // Turned back on, it receives again.
    receiver.answer = () => 200;
    expect((await api(server, 'POST', `/api/webhooks/${webhook.id}/enable`, admin.token)).body.webhook).toMatchObject({ disabledAt: null, failingSince: null });
    await api(server, 'POST', '/api/chats', (await server.user('member')).token, {});
    await until(() => receiver.received.length === before + 1);
  });
});

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) console.warn('!! webhook retries on Redis/BullMQ SKIPPED: they need TEST_REDIS_URL');

describe.skipIf(!redisUrl)(`webhook retries through BullMQ (${backend} + Redis)`, () => {
  it('a failing receiver gets delayed retries from the Redis queue, same delivery id, until a 2xx', async () => {
    const server = await startServer({ env: { ...FAST, REDIS_URL: redisUrl!, LOTUSDESK_REDIS_PREFIX: `t${randomUUID().slice(0, 8)}` } });
    cleanups.push(() => server.stop());
    expect(server.desk.bus.kind).toBe('redis');
    const admin = await server.user('admin');
    const receiver = await new Receiver().start();
    cleanups.push(() => receiver.close());
    receiver.answer = (_r, n) => (n <= 2 ? 500 : 200);
    const webhook = (await api(server, 'POST', '/api/webhooks', admin.token, { url: receiver.url, events: ['chat.created'] })).body.webhook;
    await api(server, 'POST', '/api/chats', (await server.user('member')).token, {});
    await until(() => receiver.received.length === 3);
    expect(new Set(receiver.received.map((r) => r.headers['x-lotusdesk-delivery'])).size).toBe(1);
    expect(receiver.received.every((r) => verifies(r, webhook.secret))).toBe(true);
    expect(receiver.received[2]!.at - receiver.received[1]!.at).toBeGreaterThanOrEqual(550);
    // The queue's delayed jobs made the retries, not the sweep (which waits until 3 s overdue).
    expect(receiver.received[2]!.at - receiver.received[0]!.at).toBeLessThan(2500);
    await until(async () => (await api(server, 'GET', `/api/webhooks/${webhook.id}/deliveries`, admin.token)).body.deliveries[0]?.status === 'delivered');
  });
});
