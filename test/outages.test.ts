/**
 * Outages. Redis down: nodes keep serving their own connections, /readyz says so, and after
 * Redis returns, cross-node delivery resumes with nothing acked lost. PostgreSQL down: sends are
 * refused with `internal` (never acked), and work resumes when it returns.
 * Uses throwaway servers the test can stop; skipped loudly when the binaries are missing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../src/server/identity/tokens';
import type { Role } from '../src/shared/protocol';
import { seededPostgresDatabase, startServer, TEST_SECRET, type TestServer } from './helpers/server';
import { startNode, throwawayPostgres, throwawayRedis, type NodeProcess, type ThrowawayServer } from './helpers/processes';
import { RawClient } from './helpers/ws-client';

const tokens = new TokenService(TEST_SECRET);
const token = (role: Role) => tokens.sign({ sub: `${role}-${randomUUID()}`, role, name: role });
const pgBase = process.env.TEST_DATABASE_URL;

async function post(url: string, path: string, tok: string, body: unknown = {}) {
  const res = await fetch(url + path, { method: 'POST', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function readyz(url: string) {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: await res.json() };
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}

describe.skipIf(!pgBase)('Redis outage', () => {
  let redis: ThrowawayServer | null;
  let nodeA: NodeProcess;
  let nodeB: NodeProcess;

  beforeAll(async () => {
    redis = await throwawayRedis();
    if (!redis) return;
    const env = { DATABASE_URL: await seededPostgresDatabase(pgBase!), REDIS_URL: redis.url, LOTUSDESK_JWT_SECRET: TEST_SECRET, SERVICES: 'web,ws' };
    nodeA = await startNode(env);
    nodeB = await startNode(env);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([nodeA?.kill(), nodeB?.kill()]);
    await redis?.destroy();
  });

  it('keeps serving local connections, reports unready, and recovers without losing acked messages', async () => {
    if (!redis) return console.warn('!! Redis outage test SKIPPED: no redis-server binary');
    const memberTok = await token('member');
    const agentTok = await token('agent');
    const chatId = (await post(nodeA.url, '/api/chats', memberTok)).body.chat.id;
    await post(nodeA.url, `/api/chats/${chatId}/accept`, agentTok);
    const m = await RawClient.connect(nodeA.wsUrl, memberTok);
    const aLocal = await RawClient.connect(nodeA.wsUrl, agentTok);
    const aRemote = await RawClient.connect(nodeB.wsUrl, agentTok);
    const before = await m.sendMessage(chatId, '停電前');
    await aRemote.next((f) => f.type === 'message' && f.message.seq === before.seq);

    await redis.stop();
    await eventually(async () => (await readyz(nodeA.url)).status === 503);
    expect((await readyz(nodeA.url)).body.checks.redis).toBe('down');
    expect((await readyz(nodeA.url)).body.checks.database).toBe('ok');

    // Same-node traffic still flows and is acked after commit.
    const during = [];
    for (let i = 0; i < 5; i++) during.push(await m.sendMessage(chatId, `停電中 ${i}`));
    expect(during.every((x) => x.type === 'ack')).toBe(true);
    await aLocal.count((f) => f.type === 'message' && f.message.seq > before.seq, 5);

    await redis.start();
    await eventually(async () => (await readyz(nodeA.url)).status === 200 && (await readyz(nodeB.url)).status === 200, 20_000);
    // The remote agent gets what it missed (re-read from the database on reconnect), in order.
    await aRemote.count((f) => f.type === 'message' && f.message.seq > before.seq, 5, 15_000);
    const after = await m.sendMessage(chatId, '復電後');
    await aRemote.next((f) => f.type === 'message' && f.message.seq === after.seq);
    const remoteSeqs = aRemote.messages(chatId).map((x) => x.seq);
    expect(remoteSeqs).toEqual(Array.from({ length: remoteSeqs.length }, (_, i) => remoteSeqs[0] + i));
    [m, aLocal, aRemote].forEach((c) => c.close());
  }, 60_000);
});

describe('PostgreSQL outage', () => {
  let pg: ThrowawayServer | null;
  let server: TestServer;

  beforeAll(async () => {
    pg = await throwawayPostgres();
    if (!pg) return;
    server = await startServer({ databaseUrl: pg.url });
  }, 60_000);
  afterAll(async () => {
    await server?.stop().catch(() => {});
    await pg?.destroy();
  });

  it('refuses sends with internal (never acked) while down, and resumes when it returns', async () => {
    if (!pg) return console.warn('!! PostgreSQL outage test SKIPPED: no initdb/postgres binaries');
    const member = await server.user('member');
    const agent = await server.user('agent');
    const chatId = (await post(server.url, '/api/chats', member.token)).body.chat.id;
    await post(server.url, `/api/chats/${chatId}/accept`, agent.token);
    const m = await RawClient.connect(server.wsUrl, member.token);
    expect(await m.sendMessage(chatId, '正常')).toMatchObject({ type: 'ack', seq: 2 });

    await pg.stop();
    const refused = await m.sendMessage(chatId, '資料庫停了', 'during-outage');
    expect(refused).toMatchObject({ type: 'error', id: 'during-outage', code: 'internal' });
    expect(m.frames.some((f) => f.type === 'ack' && f.id === 'during-outage')).toBe(false);
    expect((await readyz(server.url)).status).toBe(503);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200); // the process itself is alive

    await pg.start();
    await eventually(async () => (await readyz(server.url)).status === 200);
    // The client retries the same id: stored once, with the next seq (the refusal took none).
    const retried = await m.sendMessage(chatId, '資料庫停了', 'during-outage');
    expect(retried).toMatchObject({ type: 'ack', seq: 3 });
    m.close();
  }, 60_000);
});
