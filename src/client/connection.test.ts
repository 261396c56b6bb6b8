/**
 * The client library against a real server: hello and welcome, acks, the outbox resending the
 * same id after a dropped socket (stored once), resume cursors (no gap, no duplicate), reconnect
 * at once on 4503, and a refused token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { api, startServer, type TestServer } from '../../test/helpers/server';
import { RawClient } from '../../test/helpers/ws-client';
import type { MessageDto } from '../shared/protocol';
import { ChatConnection, MAX_RESUME, type ConnectionState } from './connection';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

function until(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timeout waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

/** A member with an open chat held by an agent (who listens on a raw socket). */
async function openChat() {
  const member = await server.user('member');
  const agent = await server.user('agent');
  const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: 'client test' })).body.chat;
  await api(server, 'POST', `/api/chats/${chat.id}/accept`, agent.token);
  return { member, agent, chatId: chat.id as string };
}

function connect(token: string, extra: Partial<ConstructorParameters<typeof ChatConnection>[0]> = {}) {
  const conn = new ChatConnection({ url: server.wsUrl, token, WebSocket, minDelayMs: 100, maxDelayMs: 400, ackTimeoutMs: 1000, ...extra });
  const messages: MessageDto[] = [];
  const states: ConnectionState[] = [];
  conn.on('message', (m) => messages.push(m));
  conn.on('state', (s) => states.push(s));
  return { conn, messages, states };
}

function dropSockets(userId: string, code?: number) {
  for (const c of server.desk.gateway.registry.ofUser(userId)) {
    if (code) c.socket.close(code, 'test');
    else c.socket.terminate();
  }
}

describe('ChatConnection', () => {
  it('says hello, sends with a client id and gets the ack and the stored message once', async () => {
    const { member, chatId } = await openChat();
    const { conn, messages, states } = connect(member.token);
    conn.start();
    await until(() => conn.state === 'open', 10_000, 'open');
    expect(conn.me?.userId).toBe(member.id);
    const acks: string[] = [];
    conn.on('ack', (a) => acks.push(a.id));
    const out = conn.send(chatId, '你好');
    await until(() => acks.includes(out.id) && messages.some((m) => m.text === '你好'), 10_000, 'ack');
    expect(conn.pending()).toHaveLength(0);
    expect(messages.filter((m) => m.text === '你好')).toHaveLength(1);
    expect(states[0]).toBe('open');
    conn.stop();
    expect(conn.state).toBe('closed');
  });

  it('queues while disconnected and resends the same id after a drop; the server stores it once', async () => {
    const { member, chatId } = await openChat();
    const { conn, states } = connect(member.token);
    // Queued before the socket exists: goes out after the welcome.
    const early = conn.send(chatId, '早到的訊息');
    conn.start();
    await until(() => conn.pending().length === 0, 10_000, 'early ack');
    // Sent and the socket killed at once: whether or not the server got it, it goes again with the same id.
    const sent: string[] = [];
    conn.on('ack', (a) => sent.push(a.id));
    const risky = conn.send(chatId, '斷線邊緣的訊息');
    dropSockets(member.id);
    await until(() => states.includes('reconnecting'), 5000, 'reconnecting');
    await until(() => sent.includes(risky.id), 10_000, 'ack after reconnect');
    const history = (await api(server, 'GET', `/api/chats/${chatId}/messages`, member.token)).body.messages as MessageDto[];
    expect(history.filter((m) => m.text === '斷線邊緣的訊息')).toHaveLength(1);
    expect(history.filter((m) => m.text === '早到的訊息')).toHaveLength(1);
    expect(early.id).not.toBe(risky.id);
    conn.stop();
  });

  it('resumes after its cursor: what was said while away arrives once, in order', async () => {
    const { member, agent, chatId } = await openChat();
    const { conn, messages } = connect(member.token);
    conn.start();
    await until(() => conn.state === 'open');
    const agentSocket = await RawClient.connect(server.wsUrl, agent.token);
    await agentSocket.sendMessage(chatId, 'before');
    await until(() => messages.some((m) => m.text === 'before'), 10_000, 'before');
    // Keep it away: close its sockets and refuse to be quick about it.
    dropSockets(member.id);
    await until(() => conn.state === 'reconnecting');
    for (const text of ['away 1', 'away 2', 'away 3']) await agentSocket.sendMessage(chatId, text);
    await until(() => messages.some((m) => m.text === 'away 3'), 10_000, 'replayed');
    const texts = messages.filter((m) => m.chatId === chatId).map((m) => m.text);
    expect(texts.filter((t) => t === 'before')).toHaveLength(1);
    const tail = texts.slice(texts.indexOf('before') + 1);
    expect(tail).toEqual(['away 1', 'away 2', 'away 3']);
    const seqs = messages.filter((m) => m.chatId === chatId).map((m) => m.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(conn.cursor(chatId)).toBe(Math.max(...seqs));
    agentSocket.close();
    conn.stop();
  });

  it('drops a replayed copy of a message it already has from history', async () => {
    const { member, agent, chatId } = await openChat();
    const agentSocket = await RawClient.connect(server.wsUrl, agent.token);
    await agentSocket.sendMessage(chatId, 'old news');
    const history = (await api(server, 'GET', `/api/chats/${chatId}/messages`, member.token)).body.messages as MessageDto[];
    const { conn, messages } = connect(member.token);
    conn.markSeen(history);
    // A cursor below what history gave: the server replays; ids keep the copy out.
    conn.track(chatId, 0);
    conn.start();
    await until(() => conn.state === 'open');
    await agentSocket.sendMessage(chatId, 'fresh');
    await until(() => messages.some((m) => m.text === 'fresh'), 10_000, 'fresh');
    expect(messages.map((m) => m.text)).toEqual(['fresh']);
    agentSocket.close();
    conn.stop();
  });

  it('reconnects at once when the server says it is restarting (4503), without waiting for backoff', async () => {
    const { member } = await openChat();
    const { conn, states } = connect(member.token, { minDelayMs: 4000, maxDelayMs: 8000 });
    conn.start();
    await until(() => conn.state === 'open');
    const started = Date.now();
    dropSockets(member.id, 4503);
    await until(() => states.includes('reconnecting'), 5000, 'reconnecting');
    await until(() => conn.state === 'open' && states.at(-1) === 'open', 10_000, 'reopened');
    expect(Date.now() - started).toBeLessThan(3000);
    conn.stop();
  });

  it('resumes at most the most recently active chats in one hello', async () => {
    // A bare socket server records the hello (the real one would answer 600 unknown chats with errors).
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    const hellos: Array<{ resume?: Record<string, number> }> = [];
    wss.on('connection', (ws) => ws.on('message', (d) => hellos.push(JSON.parse(String(d)))));
    await new Promise((r) => wss.once('listening', r));
    const port = (wss.address() as { port: number }).port;
    const conn = new ChatConnection({ url: `ws://127.0.0.1:${port}`, token: 't', WebSocket });
    for (let i = 0; i < MAX_RESUME + 100; i++) conn.track(`chat-${i}`, i + 1);
    conn.track('chat-0', 5000); // the oldest becomes the most recent
    conn.start();
    await until(() => hellos.length === 1, 5000, 'hello');
    const resume = hellos[0].resume!;
    expect(Object.keys(resume)).toHaveLength(MAX_RESUME);
    expect(resume['chat-0']).toBe(5000);
    expect(resume['chat-1']).toBeUndefined();
    expect(resume[`chat-${MAX_RESUME + 99}`]).toBe(MAX_RESUME + 100);
    conn.stop();
    await new Promise((r) => wss.close(r));
  });

  it('stays closed and says so when the token is refused', async () => {
    const { conn } = connect('not-a-token');
    let refused = false;
    conn.on('unauthenticated', () => (refused = true));
    conn.start();
    await until(() => refused && conn.state === 'closed', 10_000, 'refused');
    // Nothing to wait for when nothing may happen: longer than the longest reconnect delay (maxDelayMs 400).
    await new Promise((r) => setTimeout(r, 600));
    expect(conn.state).toBe('closed');
    conn.stop();
  });
});
