/**
 * A cluster: two gateway processes and a separate worker over one PostgreSQL and one Redis. Every
 * guarantee of the contract across nodes, and a node killed with SIGKILL mid-stream.
 * Runs whenever the test setup found PostgreSQL and Redis; otherwise skipped, loudly.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../src/server/identity/tokens';
import type { Role } from '../src/shared/protocol';
import { seededPostgresDatabase, TEST_SECRET } from './helpers/server';
import { startNode, type NodeProcess } from './helpers/processes';
import { RawClient } from './helpers/ws-client';
import { until } from './helpers/wait';

const pgBase = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
const enabled = Boolean(pgBase && redisUrl);
if (!enabled) console.warn('!! multi-node tests SKIPPED: they need TEST_DATABASE_URL and TEST_REDIS_URL (PostgreSQL and Redis)');

const tokens = new TokenService(TEST_SECRET);
const token = (role: Role, sub = `${role}-${randomUUID()}`) => tokens.sign({ sub, role, name: `${role} ${sub.slice(-4)}` });

async function post(url: string, path: string, tok: string, body: unknown = {}) {
  const res = await fetch(url + path, { method: 'POST', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe.skipIf(!enabled)('multi-node cluster over PostgreSQL and Redis', () => {
  let nodeA: NodeProcess;
  let nodeB: NodeProcess;
  let worker: NodeProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    const databaseUrl = await seededPostgresDatabase(pgBase!);
    env = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl!, LOTUSDESK_JWT_SECRET: TEST_SECRET, LOTUSDESK_REDIS_PREFIX: `t${randomUUID().slice(0, 8)}` };
    // A clone of the run's migrated and seeded template: the nodes start as on an existing database.
    nodeA = await startNode({ ...env, SERVICES: 'web,ws' });
    [nodeB, worker] = await Promise.all([startNode({ ...env, SERVICES: 'web,ws' }), startNode({ ...env, SERVICES: 'worker,cron' })]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([nodeA?.kill(), nodeB?.kill(), worker?.kill()]);
  });

  it('member on A, agent on B: order, no gap, delivery, typing and read receipts across nodes', async () => {
    const memberTok = await token('member');
    const agentTok = await token('agent');
    const chatId = (await post(nodeA.url, '/api/chats', memberTok, { topic: '跨節點' })).body.chat.id;
    expect((await post(nodeB.url, `/api/chats/${chatId}/accept`, agentTok)).status).toBe(200);
    const m = await RawClient.connect(nodeA.wsUrl, memberTok);
    const a = await RawClient.connect(nodeB.wsUrl, agentTok);
    const sends = Array.from({ length: 40 }, (_, i) => (i % 2 ? a : m).sendMessage(chatId, `跨節點 ${i}`));
    const acks = await Promise.all(sends);
    expect(acks.map((x) => x.seq).sort((p, q) => p - q)).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
    await m.count((f) => f.type === 'message' && f.message.seq >= 2, 40);
    await a.count((f) => f.type === 'message' && f.message.seq >= 2, 40);
    const seqM = m.messages(chatId).map((x) => x.seq).filter((s) => s >= 2);
    const seqA = a.messages(chatId).map((x) => x.seq).filter((s) => s >= 2);
    expect(seqM).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
    expect(seqA).toEqual(seqM);

    a.send({ type: 'typing', chatId });
    expect(await m.waitNew((f) => f.type === 'typing')).toMatchObject({ chatId });
    m.send({ type: 'read', chatId, seq: 41 });
    expect(await a.waitNew((f) => f.type === 'read')).toMatchObject({ chatId, seq: 41 });
    // Both nodes and the worker report ready with Redis.
    for (const n of [nodeA, nodeB, worker]) expect((await (await fetch(`${n.url}/readyz`)).json()).checks).toEqual({ accepting: 'ok', database: 'ok', redis: 'ok' });
    m.close();
    a.close();
  });

  it('kill node A with SIGKILL mid-stream: after resuming on B every acked message is there once', async () => {
    const memberTok = await token('member');
    const agentTok = await token('agent');
    const chatId = (await post(nodeB.url, '/api/chats', memberTok)).body.chat.id;
    await post(nodeB.url, `/api/chats/${chatId}/accept`, agentTok);
    const agent = await RawClient.connect(nodeB.wsUrl, agentTok);
    const member = await RawClient.connect(nodeA.wsUrl, memberTok);
    const acked = new Map<string, number>();
    const sentIds: string[] = [];
    let stop = false;
    const stream = (async () => {
      for (let i = 0; !stop && i < 2000; i++) {
        const id = `s-${i}`;
        sentIds.push(id);
        member.send({ type: 'send', id, chatId, text: `串流 ${i}` });
        // The stream's pace (a fast typist's burst), not a wait: the kill must land mid-stream.
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    member.ws.on('message', (d) => {
      const f = JSON.parse(String(d));
      if (f.type === 'ack') acked.set(f.id, f.seq);
    });
    await until(() => acked.size >= 20, 15_000); // mid-stream: A has acked some and more are coming
    await nodeA.kill('SIGKILL');
    stop = true;
    await stream;
    expect(acked.size).toBeGreaterThan(10);

    const lastSeen = Math.max(1, ...member.messages(chatId).map((x) => x.seq));
    const back = await RawClient.connect(nodeB.wsUrl, memberTok, { resume: { [chatId]: lastSeen } });
    // Resend every unacked id: idempotent ids make this safe whether or not it was stored.
    const unacked = sentIds.filter((id) => !acked.has(id));
    const reacks = await Promise.all(unacked.map((id) => back.sendMessage(chatId, `串流 ${id.slice(2)}`, id)));
    for (const r of reacks) {
      expect(r.type).toBe('ack');
      acked.set(r.id, r.seq);
    }
    const history: any[] = [];
    for (let before: number | undefined; ; ) {
      const res = await fetch(`${nodeB.url}/api/chats/${chatId}/messages?limit=100${before ? `&before=${before}` : ''}`, { headers: { authorization: `Bearer ${memberTok}` } });
      const page = await res.json();
      history.unshift(...page.messages);
      if (!page.hasMore) break;
      before = page.messages[0].seq;
    }
    const seqs = history.map((x) => x.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1)); // no gap
    const texts = history.filter((x) => x.kind === 'text').map((x) => x.text);
    expect(new Set(texts).size).toBe(texts.length); // nothing duplicated
    expect(texts.length).toBe(sentIds.length); // everything sent is stored exactly once
    for (const [id, seq] of acked) expect(history.find((x) => x.seq === seq)?.text).toBe(`串流 ${id.slice(2)}`);
    // The member's view on B: what it had before plus the resumed range, no duplicates, in order.
    const seen = [...member.messages(chatId), ...back.messages(chatId)].map((x) => x.seq);
    await back.count((f) => f.type === 'message', seqs[seqs.length - 1] - lastSeen, 15_000);
    const resumed = back.messages(chatId).map((x) => x.seq);
    expect(resumed).toEqual(Array.from({ length: resumed.length }, (_, i) => lastSeen + 1 + i));
    expect(new Set(seen).size).toBeLessThanOrEqual(seqs.length);
    // The agent on B got every message once and in order.
    await agent.count((f) => f.type === 'message', seqs.length - 1, 15_000);
    const agentSeqs = agent.messages(chatId).map((x) => x.seq);
    expect(agentSeqs).toEqual(Array.from({ length: agentSeqs.length }, (_, i) => agentSeqs[0] + i));
    back.close();
    agent.close();
    member.close();
  }, 60_000);
});
