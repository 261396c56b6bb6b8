/**
 * The service desk with a controllable clock: atomic assignment under concurrency, shifts and
 * holidays, presence grace and re-queue, priority order, queue positions, inactivity close,
 * statistics on known data.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/server/core/clock';
import { api, backend, startServer, type TestServer } from './helpers/server';
import { RawClient } from './helpers/ws-client';
import { until as poll } from './helpers/wait';
const until = (check: () => Promise<boolean>, timeoutMs = 20_000) => poll(check, timeoutMs);

let server: TestServer;
let clock: ManualClock;
const servers: TestServer[] = [];

beforeEach(async () => {
  clock = new ManualClock(new Date());
  server = await startServer({ clock, env: { LOTUSDESK_PRESENCE_GRACE_SECONDS: '30', LOTUSDESK_REQUEUE_GRACE_SECONDS: '120', LOTUSDESK_INACTIVITY_MINUTES: '30' } });
  servers.push(server);
});
afterEach(async () => {
  await server.stop();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop().catch(() => {})));
});

const HOUR = 3600_000;

/** An agent on a shift around now, online, with a capacity. */
async function agentOnDuty(sup: string, capacity = 5, role: 'agent' | 'master' = 'agent') {
  const a = await server.user(role);
  const now = clock.now().getTime();
  expect((await api(server, 'POST', '/api/schedules', sup, { userId: a.id, shiftStart: new Date(now - HOUR).toISOString(), shiftEnd: new Date(now + 8 * HOUR).toISOString() })).status).toBe(201);
  expect((await api(server, 'PATCH', `/api/users/${a.id}`, sup, { maxConcurrent: capacity })).status).toBe(200);
  expect((await api(server, 'POST', '/api/presence', a.token, { status: 'online' })).body.status).toBe('online');
  return a;
}

async function openChats(n: number, topic?: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const m = await server.user('member');
    ids.push((await api(server, 'POST', '/api/chats', m.token, topic ? { topic } : {})).body.chat.id);
  }
  return ids;
}


describe(`service desk (${backend})`, () => {
  it('10 agents accepting and auto-assigning 100 pending chats at once: each chat once, no capacity exceeded', async () => {
    const sup = (await server.user('supervisor')).token;
    const chatIds = await openChats(100);
    const db = server.desk.database.db;
    expect((await db.selectFrom('chats').select('id').where('status', '=', 'pending').execute()).length).toBe(100);
    // Capacity 8 each: 80 seats for 100 chats, so the limits are really tested.
    const agents = await Promise.all(Array.from({ length: 10 }, () => agentOnDuty(sup, 8)));
    const manual = agents.flatMap((a, i) => chatIds.filter((_, j) => j % 10 === i).slice(0, 9).map((id) => api(server, 'POST', `/api/chats/${id}/accept`, a.token)));
    const auto = [server.desk.desk.assignment.assignBacklog(), server.desk.desk.assignment.assignBacklog(), server.desk.desk.assignment.assignBacklog()];
    const results = await Promise.all(manual);
    await Promise.all(auto);
    await server.desk.desk.assignment.assignBacklog();
    expect(results.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const rows = await db.selectFrom('chats').select(['id', 'status', 'customer_service_id']).where('id', 'in', chatIds).execute();
    const open = rows.filter((r) => r.status === 'open');
    expect(open).toHaveLength(80);
    const load = new Map<string, number>();
    for (const r of open) load.set(r.customer_service_id!, (load.get(r.customer_service_id!) ?? 0) + 1);
    expect([...load.values()].every((n) => n <= 8)).toBe(true);
    // Exactly one "accepted" system note per assigned chat: nothing assigned twice.
    const notes = await db.selectFrom('messages').select(['chat_id']).where('chat_id', 'in', chatIds).where('kind', '=', 'system').execute();
    expect(notes.length).toBe(80);
    expect(new Set(notes.map((n) => n.chat_id)).size).toBe(80);
    // Capacity frees up: the oldest, most urgent backlog goes first.
    const oldest = await db.selectFrom('chats').select('id').where('id', 'in', chatIds).where('status', '=', 'pending').orderBy('created_at').limit(1).executeTakeFirstOrThrow();
    const busyAgent = agents[0];
    const held = open.find((r) => r.customer_service_id === busyAgent.id)!;
    await api(server, 'POST', `/api/chats/${held.id}/close`, busyAgent.token);
    await until(async () => (await db.selectFrom('chats').select('id').where('customer_service_id', '=', busyAgent.id).where('status', '=', 'open').execute()).length === 8);
    const oldestNow = await db.selectFrom('chats').select(['status', 'customer_service_id']).where('id', '=', oldest.id).executeTakeFirstOrThrow();
    expect(oldestNow).toEqual({ status: 'open', customer_service_id: busyAgent.id });
  }, 120_000);

  it('shift and holiday boundaries decide who is auto-assigned', async () => {
    const sup = (await server.user('supervisor')).token;
    const a = await server.user('agent');
    const start = new Date(clock.now().getTime() + HOUR);
    await api(server, 'POST', '/api/schedules', sup, { userId: a.id, shiftStart: start.toISOString(), shiftEnd: new Date(start.getTime() + 8 * HOUR).toISOString() });
    await api(server, 'POST', '/api/presence', a.token, { status: 'online' });
    const sched = server.desk.desk.schedule;
    expect(await sched.onDuty(a.id, new Date(start.getTime() - 1))).toBe(false);
    expect(await sched.onDuty(a.id, start)).toBe(true);
    expect(await sched.onDuty(a.id, new Date(start.getTime() + 8 * HOUR - 1))).toBe(true);
    expect(await sched.onDuty(a.id, new Date(start.getTime() + 8 * HOUR))).toBe(false);
    // Before the shift: a new chat is not assigned and the member is told nobody is on duty.
    const [chatId] = await openChats(1);
    await until(async () => (await api(server, 'GET', `/api/chats/${chatId}`, sup)).body.chat.offDuty === true);
    await server.desk.desk.assignment.assignBacklog();
    const pending = await api(server, 'GET', `/api/chats/${chatId}`, sup);
    expect(pending.body.chat).toMatchObject({ status: 'pending', offDuty: true, queue: 'general' });
    // At the shift start it is.
    clock.set(new Date(start.getTime() + 60_000));
    expect(await server.desk.desk.assignment.assignBacklog()).toBe(1);
    expect((await api(server, 'GET', `/api/chats/${chatId}`, sup)).body.chat.assigneeId).toBe(a.id);
    // A closed holiday on the shop's local day: nobody is on duty.
    const localDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Taipei' }).format(clock.now());
    expect((await api(server, 'PUT', `/api/holidays/${localDay}`, sup, { name: '浴佛節', closed: true })).status).toBe(200);
    expect(await sched.onDuty(a.id, clock.now())).toBe(false);
    const holidays = (await api(server, 'GET', '/api/holidays', sup)).body.holidays;
    expect(holidays).toContainEqual({ day: localDay, name: '浴佛節', closed: true });
    await api(server, 'DELETE', `/api/holidays/${localDay}`, sup);
    expect(await sched.onDuty(a.id, clock.now())).toBe(true);
    // Shifts are validated and listed for the week view.
    expect((await api(server, 'POST', '/api/schedules', sup, { userId: a.id, shiftStart: start.toISOString(), shiftEnd: start.toISOString() })).body.error.code).toBe('invalid');
    expect((await api(server, 'POST', '/api/schedules', sup, { userId: a.id, shiftStart: start.toISOString(), shiftEnd: new Date(start.getTime() + HOUR).toISOString() })).status).toBe(409);
    expect((await api(server, 'POST', '/api/schedules', a.token, { userId: a.id, shiftStart: start.toISOString(), shiftEnd: start.toISOString() })).status).toBe(403);
    await server.desk.desk.sweepPresence();
    const week = (await api(server, 'GET', '/api/schedules', sup)).body.shifts;
    expect(week.some((s: any) => s.userId === a.id && s.currentStatus === 'online')).toBe(true);
  });

  it('presence: offline only after the grace period, then open chats go back to the queue', async () => {
    const sup = (await server.user('supervisor')).token;
    const supWs = await RawClient.connect(server.wsUrl, sup);
    const a = await agentOnDuty(sup, 5);
    const ws = await RawClient.connect(server.wsUrl, a.token);
    const [chatId] = await openChats(1);
    await until(async () => (await api(server, 'GET', `/api/chats/${chatId}`, sup)).body.chat.assigneeId === a.id);
    ws.close();
    await until(async () => {
      const row = await server.desk.database.db.selectFrom('users').select('offline_since').where('id', '=', a.id).executeTakeFirstOrThrow();
      return row.offline_since !== null;
    });
    clock.advance(20_000);
    await server.desk.desk.sweepPresence();
    expect((await api(server, 'GET', '/api/presence', sup)).body.agents.find((x: any) => x.id === a.id).status).toBe('online');
    clock.advance(15_000); // past the 30 s grace
    await server.desk.desk.sweepPresence();
    expect((await api(server, 'GET', '/api/presence', sup)).body.agents.find((x: any) => x.id === a.id).status).toBe('offline');
    await supWs.next((f) => f.type === 'presence' && f.userId === a.id && f.status === 'offline');
    expect((await api(server, 'GET', `/api/chats/${chatId}`, sup)).body.chat.status).toBe('open'); // not yet re-queued
    clock.advance(120_000);
    await server.desk.desk.sweepPresence();
    const chat = (await api(server, 'GET', `/api/chats/${chatId}`, sup)).body.chat;
    expect(chat).toMatchObject({ status: 'pending', assigneeId: null });
    supWs.close();
  });

  it('a reconnect within the grace period keeps the agent online', async () => {
    const sup = (await server.user('supervisor')).token;
    const a = await agentOnDuty(sup, 5);
    const ws = await RawClient.connect(server.wsUrl, a.token);
    ws.close();
    // The server has seen the connection go: the grace period runs from here.
    await until(async () => (await server.desk.database.db.selectFrom('users').select('offline_since').where('id', '=', a.id).executeTakeFirstOrThrow()).offline_since !== null);
    clock.advance(10_000);
    const again = await RawClient.connect(server.wsUrl, a.token);
    clock.advance(60_000);
    await server.desk.desk.sweepPresence();
    expect((await api(server, 'GET', '/api/presence', sup)).body.agents.find((x: any) => x.id === a.id).status).toBe('online');
    again.close();
  });

  it('priority: distress and urgency words first, then tier, then waiting; positions follow', async () => {
    const sup = (await server.user('supervisor')).token;
    const plainOld = (await openChats(1, '請問念珠尺寸'))[0];
    clock.advance(60_000);
    const vipMember = await server.user('member');
    await api(server, 'PATCH', `/api/users/${vipMember.id}`, sup, { tier: 'vip' });
    const vip = (await api(server, 'POST', '/api/chats', vipMember.token, { topic: '請問念珠尺寸' })).body.chat.id;
    const urgent = (await openChats(1, '家父病危住院，想請法師助念'))[0];
    const distressed = (await openChats(1, '你好'))[0];
    await until(async () => (await server.desk.database.db.selectFrom('chats').select('queue').where('id', '=', distressed).executeTakeFirstOrThrow()).queue !== null);
    await server.desk.desk.markDistress(distressed);
    await until(async () => {
      const q = (await api(server, 'GET', '/api/chats?status=pending', sup)).body.chats.map((c: any) => c.id);
      return q.indexOf(distressed) === 0 && q.indexOf(urgent) === 1 && q.indexOf(vip) < q.indexOf(plainOld);
    });
    const queue = (await api(server, 'GET', '/api/chats?status=pending', sup)).body.chats;
    const order = queue.map((c: any) => c.id);
    expect(order.indexOf(distressed)).toBe(0);
    expect(order.indexOf(urgent)).toBe(1);
    expect(order.indexOf(vip)).toBeLessThan(order.indexOf(plainOld));
    expect(queue[0]).toMatchObject({ urgency: 1, queuePosition: 1 });
    expect(queue.find((c: any) => c.id === urgent).queue).toBe('dharma');
    const urgencies = queue.map((c: any) => c.urgency);
    expect(urgencies).toEqual([...urgencies].sort((x: number, y: number) => y - x));
    // Waiting long enough lifts a plain chat above a fresh VIP one.
    clock.advance(40 * 60_000);
    const freshVip = await server.user('member');
    await api(server, 'PATCH', `/api/users/${freshVip.id}`, sup, { tier: 'vip' });
    const fresh = (await api(server, 'POST', '/api/chats', freshVip.token, {})).body.chat.id;
    const later = (await api(server, 'GET', '/api/chats?status=pending', sup)).body.chats.map((c: any) => c.id);
    expect(later.indexOf(plainOld)).toBeLessThan(later.indexOf(fresh));
  });

  it('queue position and wait estimate reach the member and update as the queue moves', async () => {
    const sup = (await server.user('supervisor')).token;
    await openChats(2);
    const member = await server.user('member');
    const ws = await RawClient.connect(server.wsUrl, member.token);
    const chatId = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat.id;
    const first = await ws.next((f) => f.type === 'chat' && f.chat.id === chatId);
    expect(first.chat.queuePosition).toBeGreaterThanOrEqual(3);
    // Nobody who serves the queue is online: no made-up number (honest waiting).
    expect(first.chat).toMatchObject({ waitEstimateSeconds: null, nobodyAvailable: true });
    const ahead = (await api(server, 'GET', '/api/chats?status=pending', sup)).body.chats.filter((c: any) => c.id !== chatId);
    const agent = await server.user('agent');
    const startPos = first.chat.queuePosition;
    await api(server, 'POST', `/api/chats/${ahead[0].id}/accept`, agent.token);
    const moved = await ws.next((f) => f.type === 'chat' && f.chat.id === chatId && f.chat.queuePosition === startPos - 1);
    expect(moved.chat.status).toBe('pending');
    ws.close();
  });

  it('inactivity closes a chat after the configured time with a system message', async () => {
    const [chatId] = await openChats(1);
    const agent = await server.user('agent');
    await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
    expect(await server.desk.desk.closeInactive()).toBe(0);
    clock.advance(31 * 60_000);
    expect(await server.desk.desk.closeInactive()).toBeGreaterThanOrEqual(1);
    const sup = (await server.user('supervisor')).token;
    const closed = (await api(server, 'GET', `/api/chats/${chatId}`, sup)).body.chat;
    expect(closed.status).toBe('closed');
    const msgs = (await api(server, 'GET', `/api/chats/${chatId}/messages`, sup)).body.messages;
    expect(msgs[msgs.length - 1]).toMatchObject({ kind: 'system', text: expect.stringContaining('自動結束') });
  });

  it('statistics on known data: first response, handle time, handled and closed, JSON and CSV', async () => {
    const sup = (await server.user('supervisor')).token;
    const agent = await server.user('agent', '統計客服');
    const [c1, c2] = await openChats(2);
    await api(server, 'POST', `/api/chats/${c1}/accept`, agent.token);
    clock.advance(30_000);
    await api(server, 'POST', `/api/chats/${c1}/messages`, agent.token, { id: 'r1', text: '您好' });
    await until(async () => (await server.desk.database.db.selectFrom('chats').select('first_response_at').where('id', '=', c1).executeTakeFirstOrThrow()).first_response_at !== null);
    clock.advance(270_000);
    await api(server, 'POST', `/api/chats/${c1}/close`, agent.token);
    await api(server, 'POST', `/api/chats/${c2}/accept`, agent.token);
    const stats = (await api(server, 'GET', `/api/stats/agents?from=${new Date(Date.now() - HOUR).toISOString()}&to=${new Date(clock.now().getTime() + HOUR).toISOString()}`, sup)).body.stats;
    const mine = stats.filter((s: any) => s.agentId === agent.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ handled: 2, closed: 1, avgFirstResponseSeconds: 30, avgHandleSeconds: 300, agentName: '統計客服' });
    const csv = await fetch(`${server.url}/api/stats/agents?format=csv&from=${new Date(Date.now() - HOUR).toISOString()}&to=${new Date(clock.now().getTime() + HOUR).toISOString()}`, { headers: { authorization: `Bearer ${sup}` } });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await csv.text();
    expect(text).toContain('day,agent_id,agent_name,handled,closed,avg_first_response_seconds,avg_handle_seconds');
    expect(text).toContain(`,${agent.id},統計客服,2,1,30,300`);
    expect((await api(server, 'GET', '/api/stats/agents', agent.token)).status).toBe(403);
    const dash = (await api(server, 'GET', '/api/dashboard', sup)).body.snapshot;
    expect(dash.queues.map((q: any) => q.id)).toEqual(['dharma', 'offerings', 'orders', 'general']);
    expect(dash.chatsPerHour).toHaveLength(12);
    expect(dash.timezone).toBe('Asia/Taipei');
    expect(dash.today.agents.find((a: any) => a.agentId === agent.id)).toEqual({ agentId: agent.id, agentName: '統計客服', handled: 2, closed: 1, avgFirstResponseSeconds: 30, avgHandleSeconds: 300, ratings: 0, avgRating: null });
  });

  it('supervisors get live desk frames: queue length when a chat opens, agent load when it is accepted', async () => {
    const sup = await server.user('supervisor');
    const agent = await agentOnDuty(sup.token, 3);
    // Manual accept only, so the chat stays in the queue until the agent takes it.
    expect((await api(server, 'PATCH', '/api/queues/orders', sup.token, { assignmentMode: 'off' })).status).toBe(200);
    // Pushes follow each change within about a second (debounced); the 10-second periodic push
    // must not be what the waits below see, so they are shorter than its period.
    const watcher = await RawClient.connect(server.wsUrl, sup.token);
    const queueOf = (f: any, id: string) => f.snapshot.queues.find((q: any) => q.id === id);
    const [chatId] = await openChats(1, '訂單查詢');
    const queued = await watcher.next((f) => f.type === 'desk' && queueOf(f, 'orders')?.length === 1, 4000);
    expect(queueOf(queued, 'orders').longestWaitSeconds).toBeGreaterThanOrEqual(0);
    expect(queued.snapshot.chatsPerHour.at(-1).opened).toBeGreaterThanOrEqual(1);
    await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
    const loaded = await watcher.next((f) => f.type === 'desk' && f.snapshot.agents.some((a: any) => a.id === agent.id && a.load === 1), 4000);
    expect(queueOf(loaded, 'orders').length).toBe(0);
    expect(loaded.snapshot.agents.find((a: any) => a.id === agent.id)).toMatchObject({ status: 'online', capacity: 3 });
    // The first answer moves today's first-response figure, live too.
    clock.advance(40_000);
    expect((await api(server, 'POST', `/api/chats/${chatId}/messages`, agent.token, { id: 'first', text: '您好' })).status).toBe(201);
    const answered = await watcher.next((f) => f.type === 'desk' && f.snapshot.today.agents.some((a: any) => a.agentId === agent.id && a.avgFirstResponseSeconds !== null), 4000);
    expect(answered.snapshot.today.agents.find((a: any) => a.agentId === agent.id).avgFirstResponseSeconds).toBe(40);
    watcher.close();
  });
});
