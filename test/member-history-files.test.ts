/**
 * The member-history rule also opens the attachments of a member's earlier closed chats to the
 * agent serving that member now, and to nobody else.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startServer, type TestServer } from './helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('attachments of a member\'s earlier chats', () => {
  it('the agent serving the member can open the files of earlier closed chats; an unrelated agent cannot', async () => {
    const member = await server.user('member');
    const earlierAgent = await server.user('agent');
    const nowAgent = await server.user('agent');
    const stranger = await server.user('agent');
    const earlier = (await api(server, 'POST', '/api/chats', member.token, { topic: '念珠' })).body.chat;
    expect((await api(server, 'POST', `/api/chats/${earlier.id}/accept`, earlierAgent.token)).status).toBe(200);
    const form = new FormData();
    form.append('file', new Blob([new TextEncoder().encode('訂單 A123，念珠一串\n')], { type: 'text/plain' }), '訂單.txt');
    const up = await fetch(`${server.url}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${member.token}` }, body: form });
    expect(up.status).toBe(201);
    const { attachment } = (await up.json()) as { attachment: { id: string; url: string } };
    expect((await api(server, 'POST', `/api/chats/${earlier.id}/messages`, member.token, { id: randomUUID(), text: '附上訂單', attachments: [attachment.id] })).status).toBe(201);
    expect((await api(server, 'POST', `/api/chats/${earlier.id}/close`, member.token)).status).toBe(200);

    const download = async (token: string) => {
      const res = await fetch(`${server.url}${attachment.url}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, text: await res.text() };
    };
    // Before the member comes back, the new agent has no ground to read it.
    expect((await download(nowAgent.token)).status).toBe(404);
    const now = (await api(server, 'POST', '/api/chats', member.token, { topic: '再問' })).body.chat;
    expect((await api(server, 'POST', `/api/chats/${now.id}/accept`, nowAgent.token)).status).toBe(200);
    const ok = await download(nowAgent.token);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('A123');
    // Another agent, not serving this member, still gets 404; the agent who held it keeps access.
    expect((await download(stranger.token)).status).toBe(404);
    expect((await download(earlierAgent.token)).status).toBe(200);
  });
});
