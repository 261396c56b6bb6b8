/**
 * The service desk's second round (docs/PROTOCOL.md part 2, "Service"): system lines by code,
 * labels, satisfaction ratings and search, over HTTP and WebSocket against a real server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/server/core/clock';
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

describe(`labels (${backend})`, () => {
  it('staff set labels and see them on chat objects and live frames; members never do, by any path', async () => {
    const { member, agent, chatId } = await servedChat('退貨');
    const sup = await server.user('supervisor');
    const other = await server.user('agent');
    const memberWs = await RawClient.connect(server.wsUrl, member.token);
    const supWs = await RawClient.connect(server.wsUrl, sup.token);
    const put = await api(server, 'PUT', `/api/chats/${chatId}/labels`, agent.token, { labels: [' 退貨 ', '急件', '退貨'] });
    expect(put.status).toBe(200);
    expect(put.body.chat.labels).toEqual(['退貨', '急件']);
    const live = await supWs.next((f) => f.type === 'chat' && f.chat.id === chatId && f.chat.labels?.length === 2);
    expect(live.chat.labels).toEqual(['退貨', '急件']);
    expect((await api(server, 'GET', `/api/chats/${chatId}`, sup.token)).body.chat.labels).toEqual(['退貨', '急件']);
    expect((await api(server, 'GET', '/api/chats', agent.token)).body.chats.find((c: any) => c.id === chatId).labels).toEqual(['退貨', '急件']);
    // The member: 404 on the route, no labels on any chat object or frame.
    expect((await api(server, 'PUT', `/api/chats/${chatId}/labels`, member.token, { labels: ['x'] })).status).toBe(404);
    // An agent who may not see the chat: 404; bad bodies: 400.
    expect((await api(server, 'PUT', `/api/chats/${chatId}/labels`, other.token, { labels: ['x'] })).status).toBe(404);
    expect((await api(server, 'PUT', `/api/chats/${chatId}/labels`, agent.token, { labels: 'x' })).body.error.code).toBe('invalid');
    expect((await api(server, 'PUT', `/api/chats/${chatId}/labels`, agent.token, { labels: ['   '] })).status).toBe(400);
    expect((await api(server, 'PUT', `/api/chats/not-a-uuid/labels`, agent.token, { labels: [] })).status).toBe(404);
    await api(server, 'POST', `/api/chats/${chatId}/messages`, agent.token, { id: 'after-label', text: '已為您處理' });
    await api(server, 'POST', `/api/chats/${chatId}/close`, agent.token);
    await memberWs.next((f) => f.type === 'chat' && f.chat.id === chatId && f.chat.status === 'closed');
    const seenByMember = [
      JSON.stringify(memberWs.frames),
      JSON.stringify((await api(server, 'GET', `/api/chats/${chatId}`, member.token)).body),
      JSON.stringify((await api(server, 'GET', '/api/chats', member.token)).body),
      JSON.stringify((await api(server, 'GET', `/api/chats/${chatId}/messages`, member.token)).body),
    ].join('\n');
    expect(seenByMember).not.toContain('labels');
    expect(seenByMember).not.toContain('急件');
    memberWs.close();
    supWs.close();
  });
});

describe(`satisfaction (${backend})`, () => {
  it('the member rates a closed chat once; a second rating is 409; chat.rated is recorded with it', async () => {
    const { member, agent, chatId } = await servedChat();
    const stranger = await server.user('member');
    expect((await api(server, 'POST', `/api/chats/${chatId}/rating`, member.token, { score: 5 })).body.error).toMatchObject({ code: 'conflict', details: { reason: 'chat_not_closed' } });
    await api(server, 'POST', `/api/chats/${chatId}/close`, member.token);
    expect((await api(server, 'POST', `/api/chats/${chatId}/rating`, member.token, { score: 6 })).status).toBe(400);
    expect((await api(server, 'POST', `/api/chats/${chatId}/rating`, member.token, { score: 2.5 })).status).toBe(400);
    expect((await api(server, 'POST', `/api/chats/${chatId}/rating`, stranger.token, { score: 5 })).status).toBe(404);
    expect((await api(server, 'POST', `/api/chats/${chatId}/rating`, agent.token, { score: 5 })).status).toBe(403);
    // Two devices racing: one rating, one 409.
    const both = await Promise.all([
      api(server, 'POST', `/api/chats/${chatId}/rating`, member.token, { score: 4, comment: ' 很有耐心 ' }),
      api(server, 'POST', `/api/chats/${chatId}/rating`, member.token, { score: 1 }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const won = both.find((r) => r.status === 201)!.body.rating;
    expect(won).toMatchObject({ score: expect.any(Number), createdAt: expect.any(String) });
    expect((await api(server, 'GET', `/api/chats/${chatId}/rating`, agent.token)).body.rating).toEqual(won);
    expect((await api(server, 'GET', `/api/chats/${chatId}/rating`, stranger.token)).status).toBe(404);
    const events = await server.desk.database.db.selectFrom('domain_events').select(['type', 'data']).where('chat_id', '=', chatId).where('type', '=', 'chat.rated').execute();
    expect(events).toHaveLength(1);
    expect(events[0].data).toEqual({ chatId, memberId: member.id, assigneeId: agent.id, score: won.score });
    expect(JSON.stringify(events[0].data)).not.toContain('耐心');
  });
});

describe(`honest waiting (${backend})`, () => {
  it('a Dharma chat with no master online says no one can take it instead of a number', async () => {
    const member = await server.user('member');
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: '想請法師開示' })).body.chat;
    const db = server.desk.database.db;
    await until(async () => (await db.selectFrom('chats').select('queue').where('id', '=', chat.id).executeTakeFirst())?.queue === 'dharma');
    server.desk.chats.waits.invalidate();
    const seen = (await api(server, 'GET', `/api/chats/${chat.id}`, member.token)).body.chat;
    expect(seen).toMatchObject({ status: 'pending', waitEstimateSeconds: null, nobodyAvailable: true, queuePosition: expect.any(Number) });
    await api(server, 'POST', `/api/chats/${chat.id}/close`, member.token);
  });
});

describe(`satisfaction in statistics (${backend})`, () => {
  it('averages per agent and queue, and today on the dashboard', async () => {
    const agent = await server.user('agent', '評分客服');
    const scores = [5, 3];
    for (const score of scores) {
      const member = await server.user('member');
      const chatId = (await api(server, 'POST', '/api/chats', member.token, { topic: '訂單查詢' })).body.chat.id;
      await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
      await api(server, 'POST', `/api/chats/${chatId}/close`, agent.token);
      expect((await api(server, 'POST', `/api/chats/${chatId}/rating`, member.token, { score })).status).toBe(201);
    }
    const sup = await server.user('supervisor');
    const stats = (await api(server, 'GET', '/api/stats/ratings', sup.token)).body.stats;
    expect(stats.agents.find((a: any) => a.agentId === agent.id)).toEqual({ agentId: agent.id, agentName: '評分客服', ratings: 2, avgRating: 4 });
    expect(stats.queues.length).toBeGreaterThan(0);
    expect(stats.overall.ratings).toBeGreaterThanOrEqual(2);
    const dash = (await api(server, 'GET', '/api/dashboard', sup.token)).body.snapshot;
    expect(dash.today.agents.find((a: any) => a.agentId === agent.id)).toMatchObject({ ratings: 2, avgRating: 4 });
    expect(dash.today.ratings).toBeGreaterThanOrEqual(2);
    const perDay = (await api(server, 'GET', '/api/stats/agents', sup.token)).body.stats.find((r: any) => r.agentId === agent.id);
    expect(perDay).toMatchObject({ handled: 2, ratings: 2, avgRating: 4 });
    expect((await api(server, 'GET', '/api/stats/ratings', agent.token)).status).toBe(403);
  });
});

describe('on the embedded default (PGlite)', { timeout: 240_000 }, () => {
  it('labels, ratings and search work there too', async () => {
    const embedded = await startServer({ pglite: true });
    try {
      const member = await embedded.user('member');
      const agent = await embedded.user('agent');
      const chatId = (await api(embedded, 'POST', '/api/chats', member.token, {})).body.chat.id;
      await api(embedded, 'POST', `/api/chats/${chatId}/accept`, agent.token);
      await api(embedded, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 'e1', text: '這本經書的運費怎麼計算？' });
      expect((await api(embedded, 'PUT', `/api/chats/${chatId}/labels`, agent.token, { labels: ['運費'] })).body.chat.labels).toEqual(['運費']);
      const found = await until(async () => (await api(embedded, 'GET', `/api/search?q=${encodeURIComponent('运费怎么计算')}`, agent.token)).body.results?.[0], 60_000, 200);
      expect(found).toMatchObject({ chatId, seq: 2, snippet: '這本經書的運費怎麼計算？' });
      await api(embedded, 'POST', `/api/chats/${chatId}/close`, agent.token);
      expect((await api(embedded, 'POST', `/api/chats/${chatId}/rating`, member.token, { score: 5 })).status).toBe(201);
      expect((await api(embedded, 'POST', `/api/chats/${chatId}/rating`, member.token, { score: 5 })).status).toBe(409);
      const lines = (await api(embedded, 'GET', `/api/chats/${chatId}/messages`, member.token)).body.messages.filter((m: any) => m.kind === 'system');
      expect(lines.map((m: any) => m.code)).toEqual(expect.arrayContaining(['chat.assigned', 'chat.closed']));
    } finally {
      await embedded.stop();
    }
  });
});

describe(`search (${backend})`, () => {
  it('a Simplified query finds Traditional text and the other way round, newest first, with snippets', async () => {
    const { member, agent, chatId } = await servedChat();
    const tag = Math.random().toString(36).slice(2, 8);
    await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 's1', text: `請幫我查詢訂單 ${tag} 的物流狀態，謝謝` });
    await api(server, 'POST', `/api/chats/${chatId}/messages`, agent.token, { id: 's2', text: `好的，我来查询订单 ${tag}` });
    const sup = await server.user('supervisor');
    const found = await until(async () => {
      const r = await api(server, 'GET', `/api/search?q=${encodeURIComponent(`查询订单 ${tag}`)}`, sup.token);
      return r.body.results?.length === 2 ? r.body.results : null;
    });
    expect(found.map((r: any) => r.seq)).toEqual([3, 2]); // newest first
    expect(found[1]).toMatchObject({ chatId, messageId: expect.any(String), snippet: expect.stringContaining('查詢訂單'), createdAt: expect.any(String) });
    const trad = await api(server, 'GET', `/api/search?q=${encodeURIComponent('查詢訂單' + tag)}&limit=1`, agent.token);
    expect(trad.body.results).toHaveLength(1);
    expect(trad.body.results[0].seq).toBe(3);
    // A word only one message has: found in it alone.
    expect((await api(server, 'GET', `/api/search?q=${encodeURIComponent('物流')}`, agent.token)).body.results.filter((r: any) => r.chatId === chatId).map((r: any) => r.seq)).toEqual([2]);
  });

  it('finds only chats the caller may see; members are refused; bad queries are 400', async () => {
    const { member, chatId } = await servedChat();
    const tag = `z${Math.random().toString(36).slice(2, 8)}`;
    await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 'p1', text: `私密內容 ${tag}` });
    const sup = await server.user('supervisor');
    await until(async () => (await api(server, 'GET', `/api/search?q=${tag}`, sup.token)).body.results?.length === 1);
    const otherAgent = await server.user('agent');
    expect((await api(server, 'GET', `/api/search?q=${tag}`, otherAgent.token)).body.results).toEqual([]);
    expect((await api(server, 'GET', `/api/search?q=${tag}`, member.token)).status).toBe(403);
    expect((await api(server, 'GET', '/api/search', sup.token)).status).toBe(400);
    expect((await api(server, 'GET', '/api/search?q=%20%2C', sup.token)).body.error.code).toBe('invalid');
    expect((await api(server, 'GET', `/api/search?q=${tag}&limit=500`, sup.token)).status).toBe(400);
  });

  it('the sweep indexes messages whose indexing never ran', async () => {
    const { member, chatId } = await servedChat();
    const tag = `w${Math.random().toString(36).slice(2, 8)}`;
    const sent = await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 'w1', text: `補上索引 ${tag}` });
    const sup = await server.user('supervisor');
    await until(async () => (await api(server, 'GET', `/api/search?q=${tag}`, sup.token)).body.results?.length === 1);
    await server.desk.database.db.deleteFrom('message_search').where('message_id', '=', sent.body.messageId).execute();
    expect((await api(server, 'GET', `/api/search?q=${tag}`, sup.token)).body.results).toEqual([]);
    expect(await server.desk.search.sweep()).toBeGreaterThanOrEqual(1);
    expect((await api(server, 'GET', `/api/search?q=${tag}`, sup.token)).body.results.map((r: any) => r.messageId)).toEqual([sent.body.messageId]);
  });
});

describe(`a queue with a required skill nobody has (${backend})`, () => {
  it('is served by the fallback after the configured wait, with a staff note saying why', async () => {
    const clock = new ManualClock(new Date());
    const desk = await startServer({ clock, env: { LOTUSDESK_SKILL_FALLBACK_SECONDS: '60' } });
    try {
      const sup = await desk.user('supervisor');
      const agent = await desk.user('agent', '客服阿德');
      const now = clock.now().getTime();
      expect((await api(desk, 'POST', '/api/schedules', sup.token, { userId: agent.id, shiftStart: new Date(now - 3600_000).toISOString(), shiftEnd: new Date(now + 8 * 3600_000).toISOString() })).status).toBe(201);
      expect((await api(desk, 'POST', '/api/presence', agent.token, { status: 'online' })).body.status).toBe('online');
      const member = await desk.user('member');
      const chatId = (await api(desk, 'POST', '/api/chats', member.token, { topic: '訂單還沒收到' })).body.chat.id;
      const db = desk.desk.database.db;
      // Routed to the orders queue, which needs the `orders` skill the agent lacks.
      await until(async () => (await db.selectFrom('chats').select('queue').where('id', '=', chatId).executeTakeFirst())?.queue === 'orders');
      // An agent is online: the member gets a number, not "no one can take this".
      const waiting = (await api(desk, 'GET', `/api/chats/${chatId}`, member.token)).body.chat;
      expect(waiting.waitEstimateSeconds).toBeGreaterThan(0);
      expect(waiting.nobodyAvailable).toBeUndefined();
      const assignment = desk.desk.desk.assignment;
      expect(await assignment.assignBacklog()).toBe(0);
      clock.advance(30_000);
      expect(await assignment.assignBacklog()).toBe(0);
      const supWs = await RawClient.connect(desk.wsUrl, sup.token);
      clock.advance(31_000);
      expect(await assignment.assignBacklog()).toBe(1);
      const chat = (await api(desk, 'GET', `/api/chats/${chatId}`, sup.token)).body.chat;
      expect(chat).toMatchObject({ status: 'open', assigneeId: agent.id });
      const notes = (await api(desk, 'GET', `/api/chats/${chatId}/notes`, agent.token)).body.notes;
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ authorId: null, authorName: '系統' });
      expect(notes[0].text).toContain('技能「orders」');
      expect(notes[0].text).toContain('客服阿德');
      await supWs.next((f) => f.type === 'note' && f.note.chatId === chatId);
      const assigned = await db.selectFrom('domain_events').select('data').where('chat_id', '=', chatId).where('type', '=', 'chat.assigned').executeTakeFirstOrThrow();
      expect(assigned.data).toMatchObject({ mode: 'auto', fallback: true, assigneeId: agent.id });
      // The member reads only the ordinary line.
      const seen = JSON.stringify((await api(desk, 'GET', `/api/chats/${chatId}/messages`, member.token)).body);
      expect(seen).toContain('chat.assigned');
      expect(seen).not.toContain('orders');
      supWs.close();
    } finally {
      await desk.stop();
    }
  });
});
