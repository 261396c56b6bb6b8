/**
 * The README's ten-line receiver, run as it is written: it accepts LotusDesk's signed deliveries,
 * handles a replayed event once, and refuses a forged or stale signature.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api, backend, startServer, type TestServer } from './helpers/server';
import { until } from './helpers/wait';

const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
const code = /<!-- receiver-example -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

let server: TestServer | undefined;
let child: ChildProcess | undefined;
const dir = mkdtempSync(join(tmpdir(), 'lotusdesk-receiver-'));
afterAll(async () => {
  child?.kill();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe(`the README's webhook receiver (${backend})`, () => {
  it('is ten lines, verifies real deliveries, handles a replay once and refuses forged or stale signatures', async () => {
    expect(code.trim().split('\n')).toHaveLength(10);
    const desk = (server = await startServer({ env: { LOTUSDESK_WEBHOOK_ALLOW_PRIVATE: '1' } }));
    const admin = await server.user('admin');
    const port = await freePort();
    const file = join(dir, 'receiver.mjs');
    writeFileSync(file, code);
    const url = `http://127.0.0.1:${port}/`;
    const created = await api(server, 'POST', '/api/webhooks', admin.token, { url, events: ['chat.created'] });
    const secret = created.body.webhook.secret as string;
    let out = '';
    child = spawn(process.execPath, [file], { env: { ...process.env, PORT: String(port), LOTUSDESK_WEBHOOK_SECRET: secret } });
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    await until(async () => (await fetch(url, { method: 'POST' }).catch(() => null))?.status === 401);

    const member = await server.user('member');
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: '點燈' })).body.chat;
    await until(() => out.includes(chat.id));
    expect(out).toContain('chat.created');
    const [delivery] = (await api(server, 'GET', `/api/webhooks/${created.body.webhook.id}/deliveries`, admin.token)).body.deliveries;
    expect(delivery).toMatchObject({ status: 'delivered', responseStatus: 204 });

    // A replay is delivered (204) but handled once.
    await api(server, 'POST', `/api/webhooks/${created.body.webhook.id}/deliveries/${delivery.eventId}/replay`, admin.token);
    await until(async () => (await api(desk, 'GET', `/api/webhooks/${created.body.webhook.id}/deliveries`, admin.token)).body.deliveries[0].attempt === 2);
    expect(out.split(chat.id).length - 1).toBe(1);

    // A forged signature, and a genuine one that is too old, are refused.
    const body = JSON.stringify({ id: crypto.randomUUID(), type: 'chat.created', createdAt: new Date().toISOString(), data: {} });
    const { signature } = await import('../src/server/integration/sender');
    const now = Math.floor(Date.now() / 1000);
    const post = (ts: number, sig: string) => fetch(url, { method: 'POST', body, headers: { 'x-lotusdesk-timestamp': String(ts), 'x-lotusdesk-signature': sig } });
    expect((await post(now, signature('whsec_wrong', now, body))).status).toBe(401);
    expect((await post(now - 3600, signature(secret, now - 3600, body))).status).toBe(401);
    expect((await post(now, signature(secret, now, body))).status).toBe(204);
  });
});
