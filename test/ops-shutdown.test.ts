/**
 * Graceful shutdown (SIGTERM) of a real process in the middle of a stream of sends: every send is
 * acked (and stored exactly once) or refused with an error naming it (and not stored) or got no
 * answer because it never reached the server (and is not stored either); every client is closed
 * with 4503, the restart code clients reconnect on; the process exits cleanly and its database
 * opens again with no gap in the chat's seq.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { TokenService } from '../src/server/identity/tokens';
import { CLOSE_CODES } from '../src/shared/protocol';
import { seededPostgresDatabase, startServer, TEST_SECRET } from './helpers/server';
import { startNode, type NodeProcess } from './helpers/processes';
import { RawClient } from './helpers/ws-client';
import { until } from './helpers/wait';

const tokens = new TokenService(TEST_SECRET);
const dirs: string[] = [];
const nodes: NodeProcess[] = [];
afterAll(async () => {
  for (const n of nodes) await n.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function http(url: string, method: string, path: string, tok: string, body?: unknown) {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${tok}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: await res.json() };
}

describe('graceful shutdown', () => {
  it('SIGTERM mid-stream: sends are acked or refused, never lost; sockets close with 4503; readiness drops first', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ld-shutdown-'));
    dirs.push(dataDir);
    const env = {
      LOTUSDESK_DATA_DIR: dataDir,
      LOTUSDESK_JWT_SECRET: TEST_SECRET,
      // The stream is faster than a person types: lift the per-connection budget for this test.
      LOTUSDESK_RATE_FRAMES_PER_SEC: '100000',
      LOTUSDESK_RATE_FRAMES_BURST: '100000',
      // PostgreSQL when the test setup has one (a seeded clone starts faster than PGlite), else the embedded database.
      ...(process.env.TEST_DATABASE_URL ? { DATABASE_URL: await seededPostgresDatabase(process.env.TEST_DATABASE_URL) } : {}),
    };
    const node = await startNode(env);
    nodes.push(node);
    const memberTok = await tokens.sign({ sub: `m-${randomUUID()}`, role: 'member', name: '停機居士' });
    const agentTok = await tokens.sign({ sub: `a-${randomUUID()}`, role: 'agent', name: '停機客服' });
    const chatId = (await http(node.url, 'POST', '/api/chats', memberTok, { topic: '停機測試' })).body.chat.id as string;
    const member = await RawClient.connect(node.wsUrl, memberTok);
    const agent = await RawClient.connect(node.wsUrl, agentTok);

    const acked = new Map<string, { seq: number; messageId: string }>();
    const refused = new Map<string, string>();
    member.ws.on('message', (d) => {
      const f = JSON.parse(String(d));
      if (f.type === 'ack') acked.set(f.id, { seq: f.seq, messageId: f.messageId });
      if (f.type === 'error' && f.id) refused.set(f.id, f.code);
    });
    const sent: string[] = [];
    let stop = false;
    const stream = (async () => {
      for (let i = 0; !stop && member.ws.readyState === member.ws.OPEN; i++) {
        const id = `sd-${i}`;
        sent.push(id);
        member.send({ type: 'send', id, chatId, text: `停機測試 #${i}` });
        // The stream's pace (bursts of five), not a wait: the shutdown must land mid-stream.
        if (i % 5 === 4) await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await until(() => acked.size > 20, 15_000);
    const exited = node.kill('SIGTERM');
    const [memberCode, agentCode] = await Promise.all([member.closed(), agent.closed()]);
    stop = true;
    await stream;
    await exited;

    expect(memberCode).toBe(CLOSE_CODES.restart);
    expect(agentCode).toBe(CLOSE_CODES.restart);
    expect(node.child.exitCode).toBe(0);
    expect(acked.size).toBeGreaterThan(20);
    // A refusal during the drain names the send and says it was not stored.
    for (const code of refused.values()) expect(code).toBe('internal');

    // The same data directory, a new process: what was stored.
    const again = await startNode(env);
    nodes.push(again);
    // The member's stored messages, by id (texts may be masked by content checks, ids are not).
    const stored = new Map<string, number>();
    let before: number | undefined;
    for (;;) {
      const page = await http(again.url, 'GET', `/api/chats/${chatId}/messages?limit=100${before ? `&before=${before}` : ''}`, memberTok);
      expect(page.status).toBe(200);
      for (const m of page.body.messages) {
        if (m.senderRole !== 'member') continue;
        expect(stored.has(m.id)).toBe(false); // never twice
        stored.set(m.id, m.seq);
      }
      if (!page.body.hasMore) break;
      before = Math.min(...page.body.messages.map((m: { seq: number }) => m.seq));
    }
    // Every acked send is stored with its acked seq, and nothing else was stored: a send that was
    // refused or unanswered left no trace, so resending it after reconnecting is safe.
    for (const [id, ack] of acked) expect(stored.get(ack.messageId), `acked ${id} must be stored`).toBe(ack.seq);
    expect(stored.size).toBe(acked.size);
    for (const id of refused.keys()) expect(acked.has(id)).toBe(false);
    // Gap-free: the member's messages are numbered 1..n (nobody else wrote into this chat).
    expect([...stored.values()].sort((x, y) => x - y)).toEqual(Array.from({ length: stored.size }, (_, i) => i + 1));
    console.log(`shutdown: ${sent.length} sent, ${acked.size} acked, ${refused.size} refused, ${sent.length - acked.size - refused.size} unanswered (never reached the server)`);
  }, 90_000);

  it('a send in flight when the drain starts is acked before the socket closes; readiness reports the drain', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ld-shutdown-'));
    dirs.push(dataDir);
    const server = await startServer({ dataDir });
    const member = await server.user('member');
    const client = await RawClient.connect(server.wsUrl, member.token);
    const chat = (await http(server.url, 'POST', '/api/chats', member.token, { topic: '就緒' })).body.chat;
    // Hold one send inside the pipeline (a content check that waits), so it is truly in flight.
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    server.desk.pipeline.addCheck({
      name: 'test.hold',
      check: async (d) => {
        if (d.text === '最後一則') {
          entered();
          await gate;
        }
        return { ok: true };
      },
    });
    const ack = client.sendMessage(chat.id, '最後一則', 'held-1');
    await inside;
    const closing = server.desk.close();
    // Draining: not ready, the socket still open for the in-flight send.
    const ready = await until(async () => {
      const r = await fetch(`${server.url}/readyz`).then(async (res) => ({ status: res.status, body: await res.json() }));
      return r.status === 503 ? r : null;
    });
    expect(ready).toMatchObject({ status: 503, body: { checks: { accepting: 'down' } } });
    expect(client.closeCode).toBeNull();
    // A new send during the drain is refused, naming its id.
    client.send({ type: 'send', id: 'late-1', chatId: chat.id, text: '太晚了' });
    const refusal = await client.next((f) => f.type === 'error' && f.id === 'late-1');
    expect(refusal.code).toBe('internal');
    release();
    expect(await ack).toMatchObject({ type: 'ack', id: 'held-1', seq: 1 });
    expect(await client.closed()).toBe(CLOSE_CODES.restart);
    await closing;
  }, 60_000);
});
