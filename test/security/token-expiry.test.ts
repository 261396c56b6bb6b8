/**
 * Issue 18, finding 3: no socket outlives its token. A socket closes with 4401 when its token's
 * `exp` passes (or, with LOTUSDESK_JWT_MAX_AGE_SECONDS, when the token reaches that age); tokens
 * older than the maximum age, or with the wrong `iss`/`aud` when those are configured, are refused
 * on every path; the client library reconnects with a fresh token from its provider.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ChatConnection } from '../../src/client/connection';
import { ConfigError, loadConfig } from '../../src/server/config/config';
import { api, startServer, TEST_SECRET, type TestServer } from '../helpers/server';
import { until } from '../helpers/wait';
import { RawClient } from '../helpers/ws-client';

const key = new TextEncoder().encode(TEST_SECRET);
const nowSec = () => Math.floor(Date.now() / 1000);

/** A member token with explicit times and optional iss/aud, signed as the shop would. */
function memberToken(sub: string, opts: { exp: number; iat?: number; iss?: string; aud?: string }): Promise<string> {
  let jwt = new SignJWT({ role: 'member', name: sub }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime(opts.exp);
  if (opts.iat !== undefined) jwt = jwt.setIssuedAt(opts.iat);
  if (opts.iss) jwt = jwt.setIssuer(opts.iss);
  if (opts.aud) jwt = jwt.setAudience(opts.aud);
  return jwt.sign(key);
}

describe('sockets close when their token expires', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('closes a socket with 4401 (after an unauthenticated error saying expired) when exp passes', async () => {
    const sub = `member-${crypto.randomUUID()}`;
    const token = await memberToken(sub, { exp: nowSec() + 2 });
    const c = await RawClient.connect(server.wsUrl, token);
    expect(c.frames[0]).toMatchObject({ type: 'welcome' });
    const opened = Date.now();
    expect(await c.closed(8000)).toBe(4401);
    expect(Date.now() - opened).toBeLessThan(5000);
    expect(c.frames.at(-1)).toMatchObject({ type: 'error', code: 'unauthenticated', details: { reason: 'expired' } });
    // The server forgot the connection.
    await until(() => server.desk.gateway.registry.ofUser(c.frames[0].userId).size === 0, 2000);
  });

  it('a socket closed by its owner leaves no expiry timer behind', async () => {
    const before = server.desk.gateway.connectionCount;
    const c = await RawClient.connect(server.wsUrl, await memberToken(`member-${crypto.randomUUID()}`, { exp: nowSec() + 3600 }));
    c.close();
    await c.closed();
    await until(() => server.desk.gateway.connectionCount === before, 2000);
  });

  it('the client library reconnects on 4401 with a fresh token from its provider and keeps sending', async () => {
    const sub = `member-${crypto.randomUUID()}`;
    let issued = 0;
    const fresh = async () => {
      issued++;
      return memberToken(sub, { exp: nowSec() + 3600 });
    };
    const conn = new ChatConnection({ url: server.wsUrl, token: await memberToken(sub, { exp: nowSec() + 2 }), tokenProvider: fresh, WebSocket, minDelayMs: 100, maxDelayMs: 400 });
    let welcomes = 0;
    let refused = false;
    conn.on('welcome', () => welcomes++);
    conn.on('unauthenticated', () => (refused = true));
    conn.start();
    await until(() => welcomes === 1, 5000);
    // The first token expires; the connection comes back on its own with a fresh one.
    await until(() => welcomes === 2, 8000);
    expect(issued).toBe(1);
    expect(refused).toBe(false);
    expect(conn.state).toBe('open');
    const chat = (await api(server, 'POST', '/api/chats', await memberToken(sub, { exp: nowSec() + 60 }), {})).body.chat;
    let acked = false;
    conn.on('ack', () => (acked = true));
    conn.send(chat.id, '換了新的通行證');
    await until(() => acked, 5000);
    conn.stop();
  });

  it('without a token provider the client stays closed and says so', async () => {
    const conn = new ChatConnection({ url: server.wsUrl, token: await memberToken(`member-${crypto.randomUUID()}`, { exp: nowSec() + 2 }), WebSocket, minDelayMs: 100 });
    let refused = false;
    conn.on('unauthenticated', () => (refused = true));
    conn.start();
    await until(() => conn.state === 'open', 5000);
    await until(() => refused && conn.state === 'closed', 8000);
    conn.stop();
  });
});

describe('maximum token age and issuer/audience checks', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { LOTUSDESK_JWT_MAX_AGE_SECONDS: '3', LOTUSDESK_JWT_ISSUER: 'https://shop.example', LOTUSDESK_JWT_AUDIENCE: 'lotusdesk' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const good = { iss: 'https://shop.example', aud: 'lotusdesk' };

  it('refuses, over HTTP and WebSocket, a token older than the maximum age, without iat, or with the wrong iss or aud', async () => {
    const sub = `member-${crypto.randomUUID()}`;
    const bad = {
      old: await memberToken(sub, { ...good, iat: nowSec() - 60, exp: nowSec() + 3600 }),
      noIat: await memberToken(sub, { ...good, exp: nowSec() + 3600 }),
      noIss: await memberToken(sub, { aud: good.aud, iat: nowSec(), exp: nowSec() + 3600 }),
      wrongIss: await memberToken(sub, { ...good, iss: 'https://evil.example', iat: nowSec(), exp: nowSec() + 3600 }),
      wrongAud: await memberToken(sub, { ...good, aud: 'someone-else', iat: nowSec(), exp: nowSec() + 3600 }),
    };
    for (const [name, token] of Object.entries(bad)) {
      const http = await api(server, 'GET', '/api/chats', token);
      expect(http.status, name).toBe(401);
      expect(http.body.error.code, name).toBe('unauthenticated');
      const c = await RawClient.open(server.wsUrl);
      c.send({ type: 'hello', token });
      expect(await c.next((f) => f.type === 'error'), name).toMatchObject({ code: 'unauthenticated' });
      expect(await c.closed(), name).toBe(4401);
    }
    const ok = await memberToken(sub, { ...good, iat: nowSec(), exp: nowSec() + 3600 });
    expect((await api(server, 'GET', '/api/chats', ok)).status).toBe(200);
  });

  it('tokens the server signs itself carry the configured iss and aud', async () => {
    const member = await server.user('member');
    expect((await api(server, 'GET', '/api/chats', member.token)).status).toBe(200);
  });

  it('closes a socket with 4401 when its token reaches the maximum age, even though exp is far', async () => {
    const token = await memberToken(`member-${crypto.randomUUID()}`, { ...good, iat: nowSec(), exp: nowSec() + 3600 });
    const c = await RawClient.connect(server.wsUrl, token);
    expect(c.frames[0]).toMatchObject({ type: 'welcome' });
    expect(await c.closed(8000)).toBe(4401);
    expect(c.frames.at(-1)).toMatchObject({ type: 'error', code: 'unauthenticated', details: { reason: 'expired' } });
  });
});

describe('token configuration is validated at start', () => {
  it('accepts the optional variables and reads them', () => {
    const c = loadConfig({ LOTUSDESK_JWT_MAX_AGE_SECONDS: '900', LOTUSDESK_JWT_ISSUER: 'https://shop.example', LOTUSDESK_JWT_AUDIENCE: 'lotusdesk' });
    expect(c.jwt).toEqual({ maxAgeSeconds: 900, issuer: 'https://shop.example', audience: 'lotusdesk' });
    expect(loadConfig({}).jwt).toEqual({ maxAgeSeconds: null, issuer: null, audience: null });
  });

  it('fails fast naming the variable when a value is wrong', () => {
    for (const [name, value] of [
      ['LOTUSDESK_JWT_MAX_AGE_SECONDS', 'soon'],
      ['LOTUSDESK_JWT_MAX_AGE_SECONDS', '0'],
      ['LOTUSDESK_JWT_MAX_AGE_SECONDS', '1.5'],
      ['LOTUSDESK_JWT_ISSUER', '   '],
      ['LOTUSDESK_JWT_AUDIENCE', 'x'.repeat(300)],
    ]) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
    }
  });
});
