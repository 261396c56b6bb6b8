/**
 * The embedded default: PGlite under the data directory, dev login and demo users, data that
 * survives a restart, and correct seq numbering under concurrent senders.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app';
import { loadConfig } from '../src/server/config/config';
import { RawClient } from './helpers/ws-client';

const dataDir = mkdtempSync(join(tmpdir(), 'lotusdesk-embedded-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start() {
  const desk = await buildApp(loadConfig({ PORT: '0', LOTUSDESK_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }));
  const address = await desk.app.listen({ port: 0, host: '127.0.0.1' });
  return { desk, url: address, ws: address.replace('http', 'ws') + '/ws' };
}

async function post(url: string, body: unknown, token?: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('embedded default (PGlite, dev login)', () => {
  let chatId = '';
  let memberToken = '';

  it('logs demo users in, numbers 60 concurrent sends 1..60 without gaps', async () => {
    const s = await start();
    expect(s.desk.database.kind).toBe('pglite');
    const users = await (await fetch(`${s.url}/api/dev/users`)).json();
    expect(users.users.map((u: any) => u.role).sort()).toEqual(['admin', 'agent', 'agent', 'master', 'member', 'supervisor']);
    memberToken = (await post(`${s.url}/api/dev/login`, { name: '林居士', role: 'member' })).body.token;
    const agentToken = (await post(`${s.url}/api/dev/login`, { name: '客服小蓮', role: 'agent' })).body.token;
    expect((await post(`${s.url}/api/dev/login`, { name: 'x', role: 'abbot' })).status).toBe(400);
    chatId = (await post(`${s.url}/api/chats`, { topic: '念珠' }, memberToken)).body.chat.id;
    expect((await post(`${s.url}/api/chats/${chatId}/accept`, {}, agentToken)).status).toBe(200);
    const conns = [await RawClient.connect(s.ws, memberToken), await RawClient.connect(s.ws, agentToken), await RawClient.connect(s.ws, memberToken)];
    const acks = await Promise.all(Array.from({ length: 60 }, (_, i) => conns[i % 3].sendMessage(chatId, `pglite ${i}`)));
    expect(acks.map((a) => a.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 2));
    expect(s.desk.store.stats.largestBatch).toBeGreaterThan(1); // group commit did group
    conns.forEach((c) => c.close());
    await s.desk.close();
  });

  it('keeps every message after a restart', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/api/chats/${chatId}/messages?limit=100`, { headers: { authorization: `Bearer ${memberToken}` } });
    const body = await res.json();
    expect(body.messages.map((m: any) => m.seq)).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    await s.desk.close();
  });
});
