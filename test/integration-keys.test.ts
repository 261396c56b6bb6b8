/**
 * The shop's credentials and user sync (docs/PROTOCOL.md part 2, "Identity (added)"): API keys
 * shown once and stored hashed, acting with exactly their scopes (403 outside them), revoked at
 * once (401 on the next request), last use shown; JWTs keep working beside them; the `tier` claim
 * updates the member on sign-in; look-up and upsert by the shop's id.
 */
import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, backend, startServer, TEST_SECRET, type TestServer } from './helpers/server';

let server: TestServer;
let admin: { token: string; id: string };

beforeAll(async () => {
  server = await startServer();
  admin = await server.user('admin');
});
afterAll(async () => {
  await server?.stop();
});

async function newKey(scopes: string[], name = 'shop backend') {
  const res = await api(server, 'POST', '/api/api-keys', admin.token, { name, scopes });
  expect(res.status).toBe(201);
  return res.body.apiKey as { id: string; key: string; scopes: string[]; name: string; createdAt: string };
}

describe(`API keys (${backend})`, () => {
  it('are created by admins only, shown once, stored as a SHA-256 hash, listed without the key', async () => {
    const created = await newKey(['users:read']);
    expect(created.key).toMatch(/^ldk_[A-Za-z0-9_-]{40,}$/);
    expect(created).toMatchObject({ name: 'shop backend', scopes: ['users:read'] });
    const row = await server.desk.database.db.selectFrom('api_keys').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(createHash('sha256').update(created.key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(created.key);
    const list = await api(server, 'GET', '/api/api-keys', admin.token);
    expect(list.status).toBe(200);
    const listed = list.body.apiKeys.find((k: any) => k.id === created.id);
    expect(listed).toMatchObject({ name: 'shop backend', scopes: ['users:read'], lastUsedAt: null, revokedAt: null });
    expect(listed.key).toBeUndefined();
    expect(JSON.stringify(list.body)).not.toContain(created.key);

    const supervisor = await server.user('supervisor');
    expect((await api(server, 'POST', '/api/api-keys', supervisor.token, { name: 'x', scopes: ['users:read'] })).status).toBe(403);
    expect((await api(server, 'GET', '/api/api-keys', supervisor.token)).status).toBe(403);
    // Bad input is 400 invalid, never 500.
    for (const body of [{ name: 'x', scopes: ['users:delete'] }, { name: '', scopes: ['users:read'] }, { name: 'x', scopes: [] }, { name: 'x' }]) {
      const bad = await api(server, 'POST', '/api/api-keys', admin.token, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error.code).toBe('invalid');
    }
    expect((await api(server, 'DELETE', '/api/api-keys/not-a-uuid', admin.token)).status).toBe(400);
    expect((await api(server, 'DELETE', '/api/api-keys/00000000-0000-4000-8000-000000000000', admin.token)).status).toBe(404);
  });

  it('act with exactly their scopes: 403 outside them, on routes that do not take keys, and on key management', async () => {
    const reader = await newKey(['users:read']);
    const member = await server.user('member');
    const sub = (await server.desk.users.byId(member.id))!.externalId;

    const ok = await api(server, 'GET', `/api/users/by-external/${encodeURIComponent(sub)}`, reader.key);
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ id: member.id, externalId: sub, role: 'member', tier: 'regular', certified: false, merit: { total: 0 } });

    const write = await api(server, 'PUT', `/api/users/by-external/${encodeURIComponent(sub)}`, reader.key, { tier: 'gold' });
    expect(write).toMatchObject({ status: 403, body: { error: { code: 'forbidden', details: { reason: 'missing_scope', scope: 'users:write' } } } });
    expect((await api(server, 'GET', '/api/chats', reader.key)).status).toBe(403);
    expect((await api(server, 'GET', '/api/webhooks', reader.key)).status).toBe(403);
    // Routes that name no scope refuse every key, whatever it holds.
    const all = await newKey(['users:read', 'users:write', 'chats:read', 'stats:read', 'webhooks:manage']);
    for (const [method, path] of [['GET', '/api/me'], ['GET', '/api/api-keys'], ['POST', '/api/chats'], ['GET', '/api/presence']] as const) {
      const res = await api(server, method, path, all.key, method === 'POST' ? {} : undefined);
      expect(res.status, path).toBe(403);
      expect(res.body.error.details).toMatchObject({ reason: 'api_key_not_accepted' });
    }
    expect((await api(server, 'POST', '/api/api-keys', all.key, { name: 'mint', scopes: ['users:read'] })).status).toBe(403);
    // Within its scopes the full key reads chats and stats as an overseer.
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: '法會報名' })).body.chat;
    const chats = await api(server, 'GET', '/api/chats', all.key);
    expect(chats.status).toBe(200);
    expect(chats.body.chats.map((c: any) => c.id)).toContain(chat.id);
    expect((await api(server, 'GET', `/api/chats/${chat.id}/messages`, all.key)).status).toBe(200);
    expect((await api(server, 'GET', '/api/stats/agents', all.key)).status).toBe(200);
    // An unknown key is 401, like a bad token.
    expect((await api(server, 'GET', `/api/users/by-external/${sub}`, 'ldk_notakey')).status).toBe(401);
  });

  it('a revoked key gets 401 on the very next request; last use is shown', async () => {
    const key = await newKey(['users:read'], 'revoke me');
    const member = await server.user('member');
    const sub = (await server.desk.users.byId(member.id))!.externalId;
    expect((await api(server, 'GET', `/api/users/by-external/${sub}`, key.key)).status).toBe(200);
    const listed = (await api(server, 'GET', '/api/api-keys', admin.token)).body.apiKeys.find((k: any) => k.id === key.id);
    expect(Date.parse(listed.lastUsedAt)).toBeGreaterThan(Date.parse(key.createdAt) - 1000);

    expect((await api(server, 'DELETE', `/api/api-keys/${key.id}`, admin.token)).status).toBe(204);
    const after = await api(server, 'GET', `/api/users/by-external/${sub}`, key.key);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthenticated');
    const revoked = (await api(server, 'GET', '/api/api-keys', admin.token)).body.apiKeys.find((k: any) => k.id === key.id);
    expect(revoked.revokedAt).not.toBeNull();
  });

  it('users are upserted by the shop\'s id (201 created, 200 updated; a staff member keeps their role)', async () => {
    const writer = await newKey(['users:write', 'users:read']);
    const sub = `shop-${Date.now()}`;
    const created = await api(server, 'PUT', `/api/users/by-external/${sub}`, writer.key, { name: '王居士', tier: 'gold' });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ externalId: sub, name: '王居士', role: 'member', tier: 'gold' });
    const updated = await api(server, 'PUT', `/api/users/by-external/${sub}`, writer.key, { tier: 'vip' });
    expect(updated.status).toBe(200);
    expect(updated.body.user).toMatchObject({ id: created.body.user.id, name: '王居士', tier: 'vip' });
    // The member signs in later with the same id: the same user.
    const token = await server.desk.tokens.sign({ sub, role: 'member', name: '王居士' });
    expect((await api(server, 'GET', '/api/me', token)).body.user).toMatchObject({ id: created.body.user.id, tier: 'vip' });

    const agent = await server.user('agent');
    const agentSub = (await server.desk.users.byId(agent.id))!.externalId;
    expect((await api(server, 'PUT', `/api/users/by-external/${agentSub}`, writer.key, { tier: 'gold' })).body.user).toMatchObject({ role: 'agent', tier: 'gold' });

    expect((await api(server, 'GET', '/api/users/by-external/nobody-here', writer.key)).status).toBe(404);
    expect((await api(server, 'PUT', `/api/users/by-external/${sub}`, writer.key, { tier: 5 })).status).toBe(400);
    expect((await api(server, 'PUT', `/api/users/by-external/${sub}`, writer.key, { role: 'admin' })).status).toBe(400);
    // Admins by JWT may do the same; other staff may not.
    expect((await api(server, 'GET', `/api/users/by-external/${sub}`, admin.token)).status).toBe(200);
    expect((await api(server, 'GET', `/api/users/by-external/${sub}`, agent.token)).status).toBe(403);
  });
});

describe(`OpenAPI (${backend})`, () => {
  it('documents the API-key scheme and the scope of every route that accepts keys', async () => {
    const doc = (await api(server, 'GET', '/api/openapi.json')).body;
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/users/by-external/{sub}'].put.security).toEqual(expect.arrayContaining([{ apiKey: ['users:write'] }]));
    expect(doc.paths['/api/chats'].get.security).toEqual(expect.arrayContaining([{ apiKey: ['chats:read'] }]));
    expect(doc.paths['/api/webhooks'].post.security).toEqual(expect.arrayContaining([{ apiKey: ['webhooks:manage'] }]));
    expect(JSON.stringify(doc.paths['/api/api-keys'].post.security ?? [])).not.toContain('apiKey');
  });
});

describe(`JWT tier claim (${backend})`, () => {
  it('updates the member\'s tier on every sign-in; a token without it leaves the tier as it is', async () => {
    const sub = `tier-${Date.now()}`;
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT({ role: 'member', name: '林居士', ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(TEST_SECRET));
    expect((await api(server, 'GET', '/api/me', await sign({ tier: 'silver' }))).body.user.tier).toBe('silver');
    expect((await api(server, 'GET', '/api/me', await sign({ tier: 'gold' }))).body.user.tier).toBe('gold');
    expect((await api(server, 'GET', '/api/me', await sign({}))).body.user.tier).toBe('gold');
    const row = await server.desk.database.db.selectFrom('users').select('tier').where('external_id', '=', sub).executeTakeFirstOrThrow();
    expect(row.tier).toBe('gold');
  });
});
