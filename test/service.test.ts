/**
 * The service desk's second round (docs/PROTOCOL.md part 2, "Service"): system lines by code,
 * labels, satisfaction ratings and search, over HTTP and WebSocket against a real server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSystemLine, SYSTEM_LINE_TEMPLATES } from '../src/shared/system-lines';
import { api, backend, startServer, type TestServer } from './helpers/server';
import { until } from './helpers/wait';
import { RawClient } from './helpers/ws-client';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A member's chat accepted by an agent. */
async function servedChat(topic = '詢問') {
  const member = await server.user('member');
  const agent = await server.user('agent', `客服${Math.random().toString(36).slice(2, 6)}`);
  const chatId = (await api(server, 'POST', '/api/chats', member.token, { topic })).body.chat.id as string;
  expect((await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token)).status).toBe(200);
  return { member, agent, chatId };
}

describe(`system lines by code (${backend})`, () => {
  it('carry code and params live, in history and after resume; text keeps the zh-TW rendering', async () => {
    const member = await server.user('member');
    const agent = await server.user('agent', '客服小蓮');
    const master = await server.user('master', '淨心法師');
    const chatId = (await api(server, 'POST', '/api/chats', member.token, { topic: '詢問' })).body.chat.id as string;
    const ws = await RawClient.connect(server.wsUrl, member.token);
    await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
    const assigned = await ws.next((f) => f.type === 'message' && f.message.chatId === chatId && f.message.kind === 'system');
    expect(assigned.message).toMatchObject({ code: 'chat.assigned', params: { agent: '客服小蓮' }, text: '客服小蓮 已接聽，為您服務。' });
    await api(server, 'POST', `/api/chats/${chatId}/transfer`, agent.token, { to: master.id, note: '請法師開示' });
    await api(server, 'POST', `/api/chats/${chatId}/close`, master.token);
    const history = (await api(server, 'GET', `/api/chats/${chatId}/messages`, member.token)).body.messages;
    expect(history.map((m: any) => [m.code, m.params])).toEqual([
      ['chat.assigned', { agent: '客服小蓮' }],
      ['chat.transferred', { from: '客服小蓮', to: '淨心法師' }],
      ['chat.closed', { by: '淨心法師' }],
    ]);
    for (const m of history) expect(m.text).toBe(renderSystemLine('zh-TW', m.code, m.params));
    // The transfer note is private: no line the member reads carries it.
    expect(JSON.stringify(history)).not.toContain('請法師開示');
    expect(renderSystemLine('en', history[1].code, history[1].params)).toBe('The chat was transferred from 客服小蓮 to 淨心法師.');
    // Resume replays the coded lines too.
    const again = await RawClient.connect(server.wsUrl, member.token, { resume: { [chatId]: 0 } } as never);
    const replayed = await again.count((f) => f.type === 'message' && f.message.chatId === chatId, 3);
    expect(replayed.map((f) => f.message.code)).toEqual(['chat.assigned', 'chat.transferred', 'chat.closed']);
    ws.close();
    again.close();
  });

  it('merit at close is a coded line; people messages carry no code', async () => {
    const { member, agent, chatId } = await servedChat();
    await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 'm1', text: '感恩師兄，阿彌陀佛' });
    await api(server, 'POST', `/api/chats/${chatId}/close`, agent.token);
    const merit = await until(async () => {
      const list = (await api(server, 'GET', `/api/chats/${chatId}/messages`, member.token)).body.messages;
      return list.find((m: any) => m.code === 'merit.earned');
    });
    expect(merit.params).toMatchObject({ points: expect.any(Number), positive: 2, positivePoints: 4, total: expect.any(Number) });
    expect(merit.text).toBe(renderSystemLine('zh-TW', 'merit.earned', merit.params));
    expect(renderSystemLine('zh-CN', 'merit.earned', merit.params)).toContain('累计功德');
    const text = (await api(server, 'GET', `/api/chats/${chatId}/messages`, member.token)).body.messages.find((m: any) => m.kind === 'text');
    expect(text.code).toBeUndefined();
    expect(text.params).toBeUndefined();
  });

  it('every code has a template in every locale with the same placeholders', () => {
    const codes = Object.keys(SYSTEM_LINE_TEMPLATES['zh-TW']);
    for (const locale of ['zh-CN', 'en'] as const) {
      expect(Object.keys(SYSTEM_LINE_TEMPLATES[locale]).sort()).toEqual([...codes].sort());
      for (const code of codes) {
        const want = (SYSTEM_LINE_TEMPLATES['zh-TW'] as Record<string, string>)[code].match(/\{\w+\}/g)?.sort();
        expect((SYSTEM_LINE_TEMPLATES[locale] as Record<string, string>)[code].match(/\{\w+\}/g)?.sort(), `${locale} ${code}`).toEqual(want);
      }
    }
    expect(renderSystemLine('en', 'no.such.code', {})).toBeNull();
  });
});
