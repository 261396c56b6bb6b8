/**
 * The chat store against a real server: history pages (upward paging without duplicates), my
 * message going sending → sent → read, unread counts, typing, chat changes, and a refusal
 * handing the text back.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { api, startServer, type TestServer } from '../../test/helpers/server';
import { RawClient } from '../../test/helpers/ws-client';
import { ApiClient } from './api';
import { ChatConnection } from './connection';
import { ChatStore, type Refusal } from './store';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => (check() ? resolve() : Date.now() - started > timeoutMs ? reject(new Error(`timeout: ${what}`)) : setTimeout(tick, 20));
    tick();
  });
}

async function memberStore(token: string, id: string) {
  const client = new ApiClient(server.url, token);
  const conn = new ChatConnection({ url: server.wsUrl, token, WebSocket, minDelayMs: 100, maxDelayMs: 300 });
  const store = new ChatStore(client, conn, id);
  conn.start();
  await until(() => conn.state === 'open', 'open');
  return store;
}

describe('ChatStore', () => {
  it('pages history upward, tracks delivery states, unread, typing and chat changes', async () => {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: 'store' })).body.chat;
    await api(server, 'POST', `/api/chats/${chat.id}/accept`, agent.token);
    for (let i = 1; i <= 60; i++) await api(server, 'POST', `/api/chats/${chat.id}/messages`, member.token, { id: `h${i}`, text: `history ${i}` });

    const store = await memberStore(member.token, member.id);
    const view = await store.load(chat.id);
    expect(view.messages).toHaveLength(50);
    expect(view.hasMore).toBe(true);
    await store.loadOlder(chat.id);
    const seqs = store.views.get(chat.id)!.messages.map((m) => m.seq);
    expect(seqs).toEqual([...Array(seqs.length).keys()].map((i) => i + 1)); // 1..n, no gap, no duplicate
    expect(store.views.get(chat.id)!.hasMore).toBe(false);
    expect(store.unread(chat.id)).toBe(0);

    // My message: sending (in the outbox), then the stored copy (sent), then read by the agent.
    const out = store.send(chat.id, '請問何時出貨');
    expect(store.pending(chat.id).map((p) => [p.id, p.state])).toEqual([[out.id, 'sending']]);
    await until(() => store.views.get(chat.id)!.messages.some((m) => m.text === '請問何時出貨'), 'stored copy');
    const mine = store.views.get(chat.id)!.messages.find((m) => m.text === '請問何時出貨')!;
    expect(store.pending(chat.id)).toEqual([]);
    expect(store.stateOf(mine)).toBe('sent');
    const agentSocket = await RawClient.connect(server.wsUrl, agent.token);
    agentSocket.send({ type: 'read', chatId: chat.id, seq: mine.seq });
    await until(() => store.stateOf(mine) === 'read', 'read receipt');

    // The agent types, then writes: typing shows, then the message counts as unread until read.
    agentSocket.send({ type: 'typing', chatId: chat.id });
    await until(() => store.typingIn(chat.id), 'typing');
    await agentSocket.sendMessage(chat.id, '明天出貨');
    await until(() => store.unread(chat.id) === 1, 'unread');
    expect(store.typingIn(chat.id)).toBe(false); // their message ends their typing
    store.markRead(chat.id);
    expect(store.unread(chat.id)).toBe(0);
    await agentSocket.waitNew((f) => f.type === 'read' && f.chatId === chat.id && f.userId === member.id);

    // Closed by the agent: the store hears it.
    await api(server, 'POST', `/api/chats/${chat.id}/close`, agent.token);
    await until(() => store.views.get(chat.id)!.chat.status === 'closed', 'closed');

    // A message into the closed chat is refused and its text comes back.
    const refusals: Refusal[] = [];
    store.onRefusal((r) => refusals.push(r));
    store.send(chat.id, '還有一個問題');
    await until(() => refusals.length === 1, 'refusal');
    expect(refusals[0]).toMatchObject({ chatId: chat.id, code: 'chat_closed', text: '還有一個問題' });
    expect(store.pending(chat.id)).toEqual([]);
    agentSocket.close();
    store.conn.stop();
    store.dispose();
  });

  /**
   * Loads a chat in a fresh agent store while its member writes `text`, and returns the view. The
   * message reaches the agent live while the first page loads; `page` says whether that page was
   * read before the message was sent (it lacks it) or after (it holds it too).
   */
  async function loadWhileMemberWrites(text: string, page: 'before' | 'after') {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: 'race' })).body.chat;
    await api(server, 'POST', `/api/chats/${chat.id}/accept`, agent.token);
    const store = await memberStore(agent.token, agent.id);
    const realHistory = store.api.history.bind(store.api);
    let delivered!: () => void;
    const live = new Promise<void>((r) => (delivered = r));
    store.conn.on('message', (m) => {
      if (m.chatId === chat.id && m.text === text) delivered();
    });
    store.api.history = async (chatId, before) => {
      const early = page === 'before' ? await realHistory(chatId, before) : null;
      await api(server, 'POST', `/api/chats/${chat.id}/messages`, member.token, { id: randomUUID(), text });
      await live;
      return early ?? realHistory(chatId, before);
    };
    const view = await store.load(chat.id);
    store.conn.stop();
    store.dispose();
    return view;
  }

  it('an answer fetched before a live change does not undo it (the chat stays accepted)', async () => {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: 'stale' })).body.chat;
    const store = await memberStore(member.token, member.id);
    const realDetail = store.api.chatDetail.bind(store.api);
    // As on a busy server: the chat is read while still pending, the agent accepts, the member's
    // socket hears it, and only then does the old answer arrive.
    store.api.chatDetail = async (chatId) => {
      const early = await realDetail(chatId);
      expect(early.chat.status).toBe('pending');
      await api(server, 'POST', `/api/chats/${chat.id}/accept`, agent.token);
      await until(() => store.views.get(chat.id)?.chat.status === 'open', 'accept heard live');
      return early;
    };
    const view = await store.load(chat.id);
    expect(view.chat.status).toBe('open');
    expect(view.chat.assigneeId).toBe(agent.id);
    store.conn.stop();
    store.dispose();
  });

  it('keeps a message that arrives live while the first page of its chat is loading', async () => {
    // The page predates the message, as on a busy server.
    const view = await loadWhileMemberWrites('剛剛寄出的問題', 'before');
    expect(view.messages.map((m) => m.text)).toContain('剛剛寄出的問題');
  });

  it('shows a message once when it arrives live during the first page load and is in the page too', async () => {
    // As an agent accepting a chat sees its own accept note both ways.
    const view = await loadWhileMemberWrites('兩邊都到的訊息', 'after');
    expect(view.messages.filter((m) => m.text === '兩邊都到的訊息')).toHaveLength(1);
    expect(new Set(view.messages.map((m) => m.seq)).size).toBe(view.messages.length);
  });

  it('a reloaded store shows my messages read up to the others\' cursor (readCursors)', async () => {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: 'reload' })).body.chat;
    await api(server, 'POST', `/api/chats/${chat.id}/accept`, agent.token);
    for (const text of ['一', '二', '三']) await api(server, 'POST', `/api/chats/${chat.id}/messages`, member.token, { id: `r-${text}`, text });
    const agentSocket = await RawClient.connect(server.wsUrl, agent.token);
    // The agent reads up to "二" while the member is away (its seq from history: the accept note
    // is posted alongside and may land before or after the member's first messages).
    const history = (await api(server, 'GET', `/api/chats/${chat.id}/messages`, agent.token)).body.messages as Array<{ text: string; seq: number }>;
    const upTo = history.find((m) => m.text === '二')!.seq;
    agentSocket.send({ type: 'read', chatId: chat.id, seq: upTo });
    await agentSocket.waitNew((f) => f.type === 'read' && f.chatId === chat.id && f.userId === agent.id);

    // A fresh store, as after a reload: no live read frame has reached it.
    const store = await memberStore(member.token, member.id);
    const view = await store.load(chat.id);
    const state = (text: string) => store.stateOf(view.messages.find((m) => m.text === text)!);
    expect([state('一'), state('二'), state('三')]).toEqual(['read', 'read', 'sent']);
    agentSocket.close();
    store.conn.stop();
    store.dispose();
  });

  it('staff stores keep sentiment scores (live and from history) and distress alerts; members get neither', async () => {
    const member = await server.user('member', '陳居士');
    const agent = await server.user('agent');
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: 'mood' })).body.chat;
    await api(server, 'POST', `/api/chats/${chat.id}/accept`, agent.token);
    const agentStore = await memberStore(agent.token, agent.id);
    await agentStore.load(chat.id);
    expect(agentStore.mood(chat.id)).toBeNull();
    const memberStoreLive = await memberStore(member.token, member.id);
    await memberStoreLive.load(chat.id);

    await api(server, 'POST', `/api/chats/${chat.id}/messages`, member.token, { id: 'm-sad', text: '心裡好煩惱，每天都失眠，真的好痛苦' });
    await until(() => agentStore.mood(chat.id) !== null, 'sentiment frame', 15_000);
    const sad = agentStore.mood(chat.id)!;
    expect(sad.latest).toBeLessThan(-0.5);
    expect(sad.lowest).toBe(sad.latest);
    expect(agentStore.views.get(chat.id)!.messages.find((m) => m.text.startsWith('心裡好煩惱'))!.sentimentScore).toBe(sad.latest);

    await api(server, 'POST', `/api/chats/${chat.id}/messages`, member.token, { id: 'm-happy', text: '謝謝，感恩師父' });
    await until(() => (agentStore.mood(chat.id)?.count ?? 0) === 2, 'second score', 15_000);
    const after = agentStore.mood(chat.id)!;
    expect(after.latest).toBeGreaterThan(0);
    expect(after.lowest).toBe(sad.latest); // the lowest stays

    // Distress: the assignee's store gets the alert and marks the chat; dismissing removes it.
    await api(server, 'POST', `/api/chats/${chat.id}/messages`, member.token, { id: 'm-distress', text: '我真的不想活了' });
    await until(() => agentStore.alerts.length === 1, 'alert', 15_000);
    expect(agentStore.alerts[0]).toMatchObject({ chatId: chat.id, memberId: member.id, memberName: '陳居士' });
    expect(agentStore.alerts[0].excerpt).toContain('不想活');
    expect(agentStore.views.get(chat.id)!.chat.distress).toBe(true);
    agentStore.dismissAlert(agentStore.alerts[0].messageId);
    expect(agentStore.alerts).toEqual([]);

    // A fresh staff store rebuilds the mood from history; the member's store never has scores.
    const reloaded = await memberStore(agent.token, agent.id);
    await reloaded.load(chat.id);
    await until(() => (reloaded.mood(chat.id)?.count ?? 0) >= 2, 'history scores', 15_000);
    expect(reloaded.mood(chat.id)!.lowest).toBeLessThanOrEqual(sad.latest);
    await memberStoreLive.loadOlder(chat.id);
    expect(memberStoreLive.mood(chat.id)).toBeNull();
    expect(memberStoreLive.alerts).toEqual([]);
    for (const st of [agentStore, reloaded, memberStoreLive]) {
      st.conn.stop();
      st.dispose();
    }
  });
});
