/**
 * Input the database cannot take (ids that are not UUIDs, numbers past int4 or int8, dates past
 * PostgreSQL's range, U+0000 in text) answers `400 invalid` on every path, never 500, and the
 * server keeps serving. Runs on PostgreSQL when the setup has one, and on PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, backend, startServer, type TestServer } from '../helpers/server';
import { RawClient } from '../helpers/ws-client';

const NUL = '\u0000';

for (const which of [backend, ...(backend === 'postgres' ? ['pglite'] : [])] as const) {
  describe(`database input errors answer 400 invalid (${which})`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer({ pglite: which === 'pglite' });
    });
    afterAll(async () => {
      await server?.stop();
    });

    async function openChat() {
      const member = await server.user('member');
      const chatId = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat.id as string;
      const agent = await server.user('agent');
      await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
      return { member, agent, chatId };
    }

    it('answers invalid for ids, numbers and dates out of the database types', async () => {
      const supervisor = await server.user('supervisor');
      const admin = await server.user('admin');
      const { member, chatId } = await openChat();
      const cases: Array<[string, string, string, unknown?]> = [
        ['PATCH', '/api/users/not-a-uuid', supervisor.token, { maxConcurrent: 3 }],
        ['DELETE', "/api/holidays/x'--", supervisor.token],
        ['PUT', "/api/holidays/x'--", supervisor.token, { name: '假日' }],
        ['GET', `/api/schedules?userId=${encodeURIComponent("x' OR '1'='1")}`, supervisor.token],
        ['POST', '/api/schedules', supervisor.token, { userId: 'not-a-uuid', shiftStart: '2030-01-01T00:00:00Z', shiftEnd: '2030-01-01T08:00:00Z' }],
        ['GET', `/api/chats/${chatId}/messages?before=2147483648`, member.token],
        ['GET', `/api/members/${member.id}/chats/${chatId}/messages?before=2147483648`, member.token],
        ['GET', '/api/dharma/terms?offset=1e20', admin.token],
        ['GET', `/api/schedules?from=${encodeURIComponent('-271821-04-20T00:00:00Z')}`, supervisor.token],
        ['GET', `/api/schedules?to=${encodeURIComponent('+275760-09-13T00:00:00Z')}`, supervisor.token],
        ['GET', `/api/stats/agents?from=${encodeURIComponent('-271821-04-20T00:00:00Z')}`, supervisor.token],
      ];
      for (const [method, path, token, body] of cases) {
        const res = await api(server, method, path, token, body);
        expect({ path, method, status: res.status, code: res.body?.error?.code }).toEqual({ path, method, status: 400, code: 'invalid' });
      }
      expect((await api(server, 'GET', '/healthz')).status).toBe(200);
    });

    it('answers invalid for U+0000 in a message over HTTP and over the WebSocket; the connection stays', async () => {
      const { member, chatId } = await openChat();
      const http = await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 'nul-http', text: `南無${NUL}阿彌陀佛` });
      expect([http.status, http.body?.error?.code]).toEqual([400, 'invalid']);
      const c = await RawClient.connect(server.wsUrl, member.token);
      expect(await c.sendMessage(chatId, `南無${NUL}阿彌陀佛`)).toMatchObject({ type: 'error', code: 'invalid' });
      expect(await c.sendMessage(chatId, '南無阿彌陀佛')).toMatchObject({ type: 'ack' });
      c.close();
    });

    it('answers invalid for U+0000 in help lines, compassion text and other admin text', async () => {
      const admin = await server.user('admin');
      const helplines = await api(server, 'PUT', '/api/insight/helplines', admin.token, { message: `願${NUL}安`, helplines: [{ name: `生命線${NUL}`, phone: '1995' }] });
      expect([helplines.status, helplines.body?.error?.code]).toEqual([400, 'invalid']);
      const compassion = await api(server, 'POST', '/api/dharma/compassion', admin.token, { text: `願你平安${NUL}` });
      expect([compassion.status, compassion.body?.error?.code]).toEqual([400, 'invalid']);
      const search = await api(server, 'GET', `/api/dharma/terms?q=${encodeURIComponent(`a${NUL}`)}`, admin.token);
      expect([search.status, search.body?.error?.code]).toEqual([400, 'invalid']);
      // The same requests without the NUL are fine.
      expect((await api(server, 'POST', '/api/dharma/compassion', admin.token, { text: '願你平安' })).status).toBe(201);
    });

    it('a token whose name holds control characters signs in; the name is stored without them', async () => {
      const sub = `member-${crypto.randomUUID()}`;
      const token = await server.desk.tokens.sign({ sub, role: 'member', name: `法${NUL}喜\u0007充滿` });
      const me = await api(server, 'POST', '/api/chats', token, {});
      expect(me.status).toBe(201);
      expect(me.body.chat.memberName).toBe('法喜充滿');
      // Over the WebSocket too.
      const c = await RawClient.connect(server.wsUrl, token);
      expect(c.frames[0]).toMatchObject({ type: 'welcome' });
      c.close();
      // A subject with U+0000 is not an identity: unauthenticated, not 500.
      const bad = await server.desk.tokens.sign({ sub: `m${NUL}1`, role: 'member', name: 'x' });
      expect((await api(server, 'GET', '/api/chats', bad)).status).toBe(401);
    });
  });
}
