/**
 * /metrics after real traffic: connections, messages (rate() of a counter gives messages per
 * second), the ack latency histogram, job queue lengths, job failures and dead letters, pending
 * chats, and — on a two-node Redis cluster — events received from the other node and the bus lag.
 * Also: every response carries its request id.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { api, startServer, type TestServer } from './helpers/server';
import { RawClient } from './helpers/ws-client';
import { until } from './helpers/wait';

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) console.warn('!! bus-lag metrics test SKIPPED: it needs TEST_REDIS_URL');

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

async function scrape(server: TestServer): Promise<string> {
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/plain/);
  return res.text();
}

/** The value of one sample, e.g. value(text, 'lotusdesk_messages_total{kind="text"}'). */
function value(text: string, sample: string): number {
  const line = text.split('\n').find((l) => l.startsWith(sample + ' '));
  if (!line) throw new Error(`no sample ${sample} in /metrics`);
  return Number(line.slice(sample.length + 1));
}

describe('/metrics', () => {
  it('reflects connections, messages, ack latency, queues and job failures after traffic', async () => {
    const server = await startServer();
    servers.push(server);
    const member = await server.user('member');
    const agent = await server.user('agent');
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: '指標' })).body.chat;
    const before = await scrape(server);
    const m = await RawClient.connect(server.wsUrl, member.token);
    const a = await RawClient.connect(server.wsUrl, agent.token);
    const acks = await Promise.all(Array.from({ length: 12 }, (_, i) => m.sendMessage(chat.id, `指標訊息 ${i}`)));
    expect(acks.every((x) => x.type === 'ack')).toBe(true);

    let text = await scrape(server);
    expect(value(text, 'lotusdesk_ws_connections')).toBe(2);
    expect(value(text, 'lotusdesk_messages_total{kind="text"}') - (before.includes('lotusdesk_messages_total{kind="text"}') ? value(before, 'lotusdesk_messages_total{kind="text"}') : 0)).toBeGreaterThanOrEqual(12);
    expect(value(text, 'lotusdesk_ws_frames_total{type="send"}')).toBe(12);
    expect(value(text, 'lotusdesk_ack_latency_seconds_count')).toBe(12);
    expect(value(text, 'lotusdesk_ack_latency_seconds_bucket{le="+Inf"}')).toBe(12);
    expect(value(text, 'lotusdesk_ack_latency_seconds_sum')).toBeGreaterThan(0);
    expect(value(text, 'lotusdesk_group_commit_batches_total')).toBeGreaterThan(0);
    expect(value(text, 'lotusdesk_queue_pending_chats')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/lotusdesk_job_queue_jobs\{queue="chat\.assign",state="(waiting|active|delayed|failed)"\} \d+/);

    // A job that keeps failing: every attempt counts, the last one becomes a dead letter.
    server.desk.bus.work('chat.merit', async () => {
      throw new Error('merit scorer down');
    });
    await server.desk.bus.enqueue('chat.merit', { chatId: chat.id });
    await until(async () => (await server.desk.bus.deadLetters()).length > 0, 20_000);
    text = await scrape(server);
    expect(value(text, 'lotusdesk_job_failures_total{job="chat.merit"}')).toBe(5);
    expect(value(text, 'lotusdesk_job_dead_letters_total{job="chat.merit"}')).toBe(1);
    expect(value(text, 'lotusdesk_job_queue_jobs{queue="chat.merit",state="failed"}')).toBe(1);

    m.close();
    await m.closed();
    await until(async () => value(await scrape(server), 'lotusdesk_ws_connections') === 1);
    a.close();
  }, 60_000);

  it('every response carries its request id, and keeps a proxy-given one', async () => {
    const server = servers[0] ?? (await startServer());
    const own = await fetch(`${server.url}/healthz`);
    expect(own.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const given = `proxy-${randomUUID()}`;
    expect((await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': given } })).headers.get('x-request-id')).toBe(given);
    // Something that does not look like an id is replaced, not echoed into logs.
    expect((await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } })).headers.get('x-request-id')).not.toContain('bad');
  });

  it.skipIf(!redisUrl || !process.env.TEST_DATABASE_URL)('on a two-node Redis cluster, reports events from the other node and the bus lag', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const a = await startServer({ env: { REDIS_URL: redisUrl!, LOTUSDESK_REDIS_PREFIX: prefix } });
    servers.push(a);
    const b = await startServer({ databaseUrl: a.databaseUrl!, env: { REDIS_URL: redisUrl!, LOTUSDESK_REDIS_PREFIX: prefix } });
    servers.push(b);
    const member = await a.user('member');
    const chat = (await api(a, 'POST', '/api/chats', member.token, { topic: '跨節點指標' })).body.chat;
    const m = await RawClient.connect(a.wsUrl, member.token);
    for (let i = 0; i < 5; i++) await m.sendMessage(chat.id, `跨節點 ${i}`);
    let text = '';
    await until(async () => value((text = await scrape(b)), 'lotusdesk_bus_events{direction="received"}') >= 5, 5000).catch(() => {});
    expect(value(text, 'lotusdesk_bus_events{direction="received"}')).toBeGreaterThanOrEqual(5);
    const lag = value(text, 'lotusdesk_bus_lag_seconds');
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(5);
    expect(value(await scrape(a), 'lotusdesk_bus_events{direction="published"}')).toBeGreaterThanOrEqual(5);
    m.close();
  }, 60_000);
});
