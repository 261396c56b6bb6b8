/**
 * Masters on duty (PROTOCOL part 2): the holy-day calendar and its festival list, windows and
 * settings, the duty status for staff and members, and masters-first assignment of Dharma and
 * distress chats with the fallback to agents after the configured wait.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, backend, startServer, type TestServer } from './helpers/server';
import { until } from './helpers/wait';

let server: TestServer;
const HOUR = 3600_000;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

async function onShift(sup: string, role: 'agent' | 'master', capacity: number, presence: 'online' | 'away' = 'online') {
  const u = await server.user(role);
  const now = Date.now();
  expect((await api(server, 'POST', '/api/schedules', sup, { userId: u.id, shiftStart: new Date(now - HOUR).toISOString(), shiftEnd: new Date(now + 8 * HOUR).toISOString() })).status).toBe(201);
  expect((await api(server, 'PATCH', `/api/users/${u.id}`, sup, { maxConcurrent: capacity })).status).toBe(200);
  expect((await api(server, 'POST', '/api/presence', u.token, { status: presence })).status).toBe(200);
  return u;
}

const chatRow = (id: string) => server.desk.database.db.selectFrom('chats').select(['status', 'customer_service_id', 'queue']).where('id', '=', id).executeTakeFirstOrThrow();

describe(`masters on duty (${backend})`, () => {
  it('the calendar: 佛誕 2026, a short month, the festival list edited by admins; bad input is 400', async () => {
    const agent = await server.user('agent');
    const admin = await server.user('admin');
    const may = await api(server, 'GET', '/api/calendar/holy-days?from=2026-05-01&to=2026-05-31', agent.token);
    expect(may.status).toBe(200);
    expect(may.body.days).toContainEqual(expect.objectContaining({ date: '2026-05-24', lunar: '四月初八', kind: 'festival', name: '佛誕（浴佛節）' }));
    expect(may.body.days.filter((d: any) => d.kind === 'fast').map((d: any) => d.date)).toEqual(['2026-05-01', '2026-05-17', '2026-05-31']);
    const sept = await api(server, 'GET', '/api/calendar/holy-days?from=2026-09-01&to=2026-09-30', agent.token);
    expect(sept.body.days).toContainEqual(expect.objectContaining({ date: '2026-09-10', name: '地藏菩薩聖誕', lunar: '七月廿九' }));

    for (const q of ['from=2026-02-30&to=2026-03-01', 'from=2026-01-01&to=2027-03-01', 'from=2026-05-02&to=2026-05-01', 'from=nope']) {
      const r = await api(server, 'GET', `/api/calendar/holy-days?${q}`, agent.token);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code).toBe('invalid');
    }

    expect((await api(server, 'POST', '/api/calendar/festivals', agent.token, { lunarMonth: 4, lunarDay: 15, name: '衛塞節' })).status).toBe(403);
    expect((await api(server, 'POST', '/api/calendar/festivals', admin.token, { lunarMonth: 13, lunarDay: 1, name: 'x' })).status).toBe(400);
    const added = await api(server, 'POST', '/api/calendar/festivals', admin.token, { lunarMonth: 4, lunarDay: 15, name: '衛塞節' });
    expect(added.status).toBe(201);
    let days = (await api(server, 'GET', '/api/calendar/holy-days?from=2026-05-31&to=2026-05-31', agent.token)).body.days;
    expect(days.map((d: any) => d.name)).toEqual(['衛塞節', '望日齋（十五）']);
    expect((await api(server, 'PATCH', `/api/calendar/festivals/${added.body.festival.id}`, admin.token, { name: '衛塞節（南傳）' })).body.festival.name).toBe('衛塞節（南傳）');
    expect((await api(server, 'DELETE', `/api/calendar/festivals/${added.body.festival.id}`, admin.token)).status).toBe(200);
    days = (await api(server, 'GET', '/api/calendar/holy-days?from=2026-05-31&to=2026-05-31', agent.token)).body.days;
    expect(days.map((d: any) => d.kind)).toEqual(['fast']);
    expect((await api(server, 'GET', '/api/calendar/festivals', agent.token)).body.festivals.length).toBeGreaterThanOrEqual(10);
  });

  it('a window puts masters on duty: staff see who, members see the mode only; settings are for supervisors', async () => {
    const sup = await server.user('supervisor');
    const member = await server.user('member');
    expect((await api(server, 'PATCH', '/api/desk/duty-settings', member.token, { holyDays: 'none' })).status).toBe(403);
    expect((await api(server, 'PATCH', '/api/desk/duty-settings', sup.token, { holyDays: 'sometimes' })).status).toBe(400);
    // Holy days off, so that today's lunar date does not decide the test.
    expect((await api(server, 'PATCH', '/api/desk/duty-settings', sup.token, { holyDays: 'none', masterFirstSeconds: 2 })).body.settings).toEqual({ holyDays: 'none', masterFirstSeconds: 2 });
    expect((await api(server, 'GET', '/api/desk/duty', member.token)).body).toMatchObject({ masterOnDuty: false, reason: null, until: null });

    const master = await onShift(sup.token, 'master', 3);
    const to = new Date(Date.now() + 2 * HOUR).toISOString();
    expect((await api(server, 'POST', '/api/desk/duty-windows', member.token, { from: new Date().toISOString(), to, reason: '法會' })).status).toBe(403);
    expect((await api(server, 'POST', '/api/desk/duty-windows', sup.token, { from: to, to: new Date().toISOString(), reason: '法會' })).status).toBe(400);
    const w = await api(server, 'POST', '/api/desk/duty-windows', sup.token, { from: new Date(Date.now() - 60_000).toISOString(), to, reason: '梁皇寶懺法會' });
    expect(w.status).toBe(201);
    const staffView = (await api(server, 'GET', '/api/desk/duty', sup.token)).body;
    expect(staffView).toMatchObject({ masterOnDuty: true, reason: 'window', until: to });
    expect(staffView.masters).toContainEqual({ id: master.id, name: master.name, status: 'online' });
    const memberView = (await api(server, 'GET', '/api/desk/duty', member.token)).body;
    expect(memberView).toMatchObject({ masterOnDuty: true, reason: 'window', until: to, masters: [] });
    expect(memberView.distressChats).toBeUndefined();
    expect((await api(server, 'GET', '/api/desk/duty-windows', sup.token)).body.windows).toContainEqual(w.body.window);
    expect((await api(server, 'DELETE', `/api/desk/duty-windows/${w.body.window.id}`, sup.token)).status).toBe(200);
    expect((await api(server, 'GET', '/api/desk/duty', member.token)).body.masterOnDuty).toBe(false);
    await api(server, 'POST', '/api/presence', master.token, { status: 'offline' });
  });

  it('on duty, a Dharma chat goes to a master first and falls back to an agent after the wait; distress goes to masters at any time', async () => {
    const sup = await server.user('supervisor');
    await api(server, 'PATCH', '/api/desk/duty-settings', sup.token, { holyDays: 'none', masterFirstSeconds: 2 });
    const master = await onShift(sup.token, 'master', 1);
    const agent = await onShift(sup.token, 'agent', 5);
    const window = await api(server, 'POST', '/api/desk/duty-windows', sup.token, { from: new Date(Date.now() - 60_000).toISOString(), to: new Date(Date.now() + HOUR).toISOString(), reason: '佛誕法會' });

    // The master is free: the Dharma chat is theirs, although the agent is free too.
    const m1 = await server.user('member');
    const first = (await api(server, 'POST', '/api/chats', m1.token, { topic: '想請教念佛修行的問題' })).body.chat.id;
    await until(async () => (await chatRow(first)).status === 'open', 15_000);
    expect(await chatRow(first)).toMatchObject({ queue: 'dharma', customer_service_id: master.id });

    // The master is full: the next one waits for them, then falls back to the agent.
    const m2 = await server.user('member');
    const opened = Date.now();
    const second = (await api(server, 'POST', '/api/chats', m2.token, { topic: '往生助念要怎麼安排' })).body.chat.id;
    await until(async () => (await chatRow(second)).queue === 'dharma');
    await server.desk.desk.assignment.assignBacklog();
    expect(await chatRow(second)).toMatchObject({ status: 'pending', customer_service_id: null });
    await until(async () => (await chatRow(second)).status === 'open', 15_000);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(1900);
    expect(await chatRow(second)).toMatchObject({ customer_service_id: agent.id });

    // Off duty again (window removed), a general chat in distress still goes to the master first.
    await api(server, 'DELETE', `/api/desk/duty-windows/${window.body.window.id}`, sup.token);
    await api(server, 'POST', `/api/chats/${first}/close`, master.token);
    await api(server, 'POST', '/api/presence', master.token, { status: 'away' });
    await api(server, 'POST', '/api/presence', agent.token, { status: 'away' });
    const m3 = await server.user('member');
    const third = (await api(server, 'POST', '/api/chats', m3.token, { topic: '我想問一下' })).body.chat.id;
    await until(async () => (await chatRow(third)).queue === 'general');
    await server.desk.desk.markDistress(third);
    // A general chat is an agents' chat; in distress the master, online again, is offered it first.
    await api(server, 'POST', '/api/presence', master.token, { status: 'online' });
    await api(server, 'POST', '/api/presence', agent.token, { status: 'online' });
    await until(async () => (await chatRow(third)).status === 'open', 15_000);
    expect((await chatRow(third)).customer_service_id).toBe(master.id);

    // A general chat without distress goes to the agent as before.
    const m4 = await server.user('member');
    const fourth = (await api(server, 'POST', '/api/chats', m4.token, { topic: '想請教一下商品的尺寸' })).body.chat.id;
    await until(async () => (await chatRow(fourth)).status === 'open', 15_000);
    expect((await chatRow(fourth)).customer_service_id).toBe(agent.id);
    for (const u of [master, agent]) await api(server, 'POST', '/api/presence', u.token, { status: 'offline' });
  });
});
