/**
 * Members and merit (PROTOCOL part 2) against a real server: the merit formula's parts with
 * conversation minutes from the first staff answer, the ledger and `merit.awarded`, level
 * boundaries and configuration, 三寶 certification with its photo and `member.certified`, offers
 * by level with repeat claims, and the daily leaderboard of opted-in aliases only.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_UNSENT, UploadService } from '../src/server/uploads/upload-service';
import { UploadStorage } from '../src/server/uploads/storage';
import { api, backend, startServer, type TestServer } from './helpers/server';
import { until } from './helpers/wait';
import { RawClient } from './helpers/ws-client';

let server: TestServer;
const db = () => server.desk.database.db;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

let n = 0;
const send = (token: string, chatId: string, text: string) => api(server, 'POST', `/api/chats/${chatId}/messages`, token, { id: `m${++n}`, text });

/** Awards merit straight into the ledger (as the scorer does), for level and leaderboard cases. */
async function award(memberId: string, points: number, at: Date = new Date()): Promise<void> {
  await db().insertInto('merit_ledger').values({ chat_id: null, member_id: memberId, minutes: 0, positive_terms: 0, verified_quotes: 0, points, created_at: at }).execute();
  await sql`INSERT INTO merit_totals (user_id, total) VALUES (${memberId}, ${points})
            ON CONFLICT (user_id) DO UPDATE SET total = merit_totals.total + ${points}`.execute(db());
}

async function uploadPng(token: string): Promise<string> {
  const bytes = await sharp({ create: { width: 60, height: 40, channels: 3, background: '#c87828' } }).png().toBuffer();
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), '皈依證.png');
  const res = await fetch(`${server.url}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as { attachment: { id: string } }).attachment.id;
}

describe(`merit (${backend})`, () => {
  it('counts minutes from the first staff answer to the close, the member\'s own positive words and verified quotes; the ledger and merit.awarded keep the parts', async () => {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const chatId = (await api(server, 'POST', '/api/chats', member.token, { topic: '請問' })).body.chat.id as string;
    expect((await send(member.token, chatId, '感恩，請問法會何時？謝謝')).status).toBe(201);
    expect((await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token)).status).toBe(200);
    // The agent's kind words are not the member's merit; the agent's verified quote counts.
    expect((await send(agent.token, chatId, '感恩您，《金剛經》云：「凡所有相，皆是虛妄」')).status).toBe(201);
    expect((await send(member.token, chatId, '阿弥陀佛')).status).toBe(201);
    await until(async () => (await db().selectFrom('chats').select('first_response_at').where('id', '=', chatId).executeTakeFirstOrThrow()).first_response_at);
    // 43 minutes in the queue, then 17½ minutes of conversation.
    await sql`UPDATE chats SET created_at = now() - interval '60 minutes', first_response_at = now() - interval '1050 seconds' WHERE id = ${chatId}`.execute(db());
    await sql`UPDATE messages SET created_at = CASE WHEN sender_role = 'member' AND seq < 3 THEN now() - interval '59 minutes' ELSE now() - interval '1050 seconds' END WHERE chat_id = ${chatId}`.execute(db());
    expect((await api(server, 'POST', `/api/chats/${chatId}/close`, member.token)).status).toBe(200);

    const me = await until(async () => {
      const r = await api(server, 'GET', '/api/merit/me', member.token);
      return r.body.entries.length ? r.body : null;
    });
    const parts = { base: 10, minutes: 17, minutePoints: 3, positiveWords: 3, positivePoints: 6, sutraQuotes: 1, quotePoints: 5 };
    expect(me.entries[0]).toMatchObject({ chatId, points: 24, parts, conversationStartedAt: expect.any(String) });
    expect(me.total).toBe(24);
    expect(me).toMatchObject({ level: { id: 'seed' }, nextLevel: { id: 'diligent', minMerit: 100 }, toNext: 76 });

    const events = await db().selectFrom('domain_events').select(['type', 'data', 'published_at']).where('chat_id', '=', chatId).where('type', '=', 'merit.awarded').execute();
    expect(events).toHaveLength(1);
    expect(events[0].data).toEqual({ chatId, memberId: member.id, ledgerId: me.entries[0].id, points: 24, parts, total: 24 });
    await until(async () => (await db().selectFrom('domain_events').select('published_at').where('chat_id', '=', chatId).where('type', '=', 'merit.awarded').executeTakeFirstOrThrow()).published_at);
    // The member reads the sum in the chat.
    const lines = (await api(server, 'GET', `/api/chats/${chatId}/messages`, member.token)).body.messages as Array<{ kind: string; text: string }>;
    expect(lines.find((m) => m.kind === 'system' && m.text.includes('功德 +24'))?.text).toContain('對話 17 分鐘 +3');

    // Scoring again (a retried job) awards nothing and records nothing.
    expect(await server.desk.dharma.merit.score(chatId)).toBeNull();
    expect((await db().selectFrom('domain_events').select('id').where('chat_id', '=', chatId).where('type', '=', 'merit.awarded').execute()).length).toBe(1);
  });

  it('a chat no one answered has no conversation minutes, however long it waited', async () => {
    const member = await server.user('member');
    const chatId = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat.id as string;
    expect((await send(member.token, chatId, '隨喜')).status).toBe(201);
    await sql`UPDATE chats SET created_at = now() - interval '90 minutes' WHERE id = ${chatId}`.execute(db());
    await sql`UPDATE messages SET created_at = now() - interval '89 minutes' WHERE chat_id = ${chatId}`.execute(db());
    expect((await api(server, 'POST', `/api/chats/${chatId}/close`, member.token)).status).toBe(200);
    const me = await until(async () => {
      const r = await api(server, 'GET', '/api/merit/me', member.token);
      return r.body.entries.length ? r.body : null;
    });
    expect(me.entries[0]).toMatchObject({ points: 12, parts: { minutes: 0, minutePoints: 0, positiveWords: 1 }, conversationStartedAt: null });
  });

  it('the ledger outlives a chat purged by retention', async () => {
    const member = await server.user('member');
    const chatId = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat.id as string;
    await send(member.token, chatId, '你好');
    await api(server, 'POST', `/api/chats/${chatId}/close`, member.token);
    await until(async () => (await api(server, 'GET', '/api/merit/me', member.token)).body.total === 10);
    await db().deleteFrom('chats').where('id', '=', chatId).execute();
    const me = (await api(server, 'GET', '/api/merit/me', member.token)).body;
    expect(me.total).toBe(10);
    expect(me.entries).toEqual([expect.objectContaining({ chatId: null, points: 10 })]);
  });
});

describe(`merit levels (${backend})`, () => {
  it('a total falls in one level at the boundaries; progress and history follow the ledger', async () => {
    const levels = (await api(server, 'GET', '/api/merit/levels', (await server.user('member')).token)).body.levels;
    expect(levels.map((l: any) => [l.id, l.minMerit])).toEqual([['seed', 0], ['diligent', 100], ['lotus', 300], ['bodhi', 800], ['vajra', 2000]]);
    expect(levels[1].name).toEqual({ 'zh-TW': '精進', 'zh-CN': '精进', en: 'Diligence' });

    const member = await server.user('member');
    const at = async (total: number) => {
      const r = await api(server, 'GET', '/api/merit/me', member.token);
      expect(r.body.total).toBe(total);
      return { level: r.body.level.id, next: r.body.nextLevel?.id ?? null, toNext: r.body.toNext, history: r.body.history };
    };
    expect(await at(0)).toMatchObject({ level: 'seed', next: 'diligent', toNext: 100 });
    await award(member.id, 99, new Date(Date.now() - 3000));
    expect(await at(99)).toMatchObject({ level: 'seed', toNext: 1 });
    await award(member.id, 1, new Date(Date.now() - 2000));
    const reached = await at(100);
    expect(reached).toMatchObject({ level: 'diligent', next: 'lotus', toNext: 200 });
    expect(reached.history.map((h: any) => h.levelId)).toEqual(['seed', 'diligent']);
    await award(member.id, 1900, new Date(Date.now() - 1000));
    expect(await at(2000)).toMatchObject({ level: 'vajra', next: null, toNext: 0 });
    expect((await at(2000)).history.map((h: any) => h.levelId)).toEqual(['seed', 'diligent', 'lotus', 'bodhi', 'vajra']);
  });

  it('admins replace the list; bad lists are 400, others 403', async () => {
    const admin = await server.user('admin');
    const agent = await server.user('agent');
    const original = (await api(server, 'GET', '/api/merit/levels', admin.token)).body.levels;
    const name = (s: string) => ({ 'zh-TW': s, 'zh-CN': s, en: s });
    const custom = [
      { id: 'seed', minMerit: 0, name: name('初心'), benefits: [] },
      { id: 'gold', minMerit: 50, name: name('金'), benefits: [name('免運')] },
    ];
    expect((await api(server, 'PUT', '/api/merit/levels', agent.token, { levels: custom })).status).toBe(403);
    for (const bad of [
      [{ ...custom[0], minMerit: 5 }, custom[1]],
      [custom[1], custom[0]],
      [custom[0], { ...custom[1], id: 'seed' }],
      [custom[0], { ...custom[1], name: { 'zh-TW': '金' } }],
      [custom[0], { ...custom[1], name: name('   ') }],
      [],
    ]) {
      const r = await api(server, 'PUT', '/api/merit/levels', admin.token, { levels: bad });
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error.code).toBe('invalid');
    }
    const saved = await api(server, 'PUT', '/api/merit/levels', admin.token, { levels: custom });
    expect(saved.status).toBe(200);
    expect(saved.body.levels).toEqual(custom);
    const member = await server.user('member');
    await award(member.id, 50);
    expect((await api(server, 'GET', '/api/merit/me', member.token)).body).toMatchObject({ level: { id: 'gold', benefits: [name('免運')] }, nextLevel: null });
    expect((await api(server, 'PUT', '/api/merit/levels', admin.token, { levels: original })).status).toBe(200);
  });
});

describe(`三寶 certification (${backend})`, () => {
  it('a member applies with a photo; a master reviews it, rejects with a reason, then approves; the member hears of both and is marked for staff', async () => {
    const member = await server.user('member');
    const other = await server.user('member');
    const master = await server.user('master');
    const agent = await server.user('agent');
    const photo = await uploadPng(member.token);
    const application = { refugeDate: '2020-04-08', refugeTemple: '法鼓山', master: '聖嚴法師', dharmaName: '常蓮', attachments: [photo] };

    // Bad input, a stranger's upload, a date to come: 400; staff may not apply.
    expect((await api(server, 'POST', '/api/certifications', member.token, { ...application, attachments: [] })).status).toBe(400);
    expect((await api(server, 'POST', '/api/certifications', member.token, { ...application, refugeDate: '2999-01-01' })).status).toBe(400);
    expect((await api(server, 'POST', '/api/certifications', member.token, { ...application, refugeDate: '2021-02-30' })).status).toBe(400);
    expect((await api(server, 'POST', '/api/certifications', other.token, application)).body.error).toMatchObject({ code: 'invalid', details: { field: 'attachments' } });
    expect((await api(server, 'POST', '/api/certifications', agent.token, application)).status).toBe(403);

    const applied = await api(server, 'POST', '/api/certifications', member.token, application);
    expect(applied.status).toBe(201);
    const id = applied.body.certification.id as string;
    expect(applied.body.certification).toMatchObject({ status: 'pending', refugeTemple: '法鼓山', dharmaName: '常蓮', attachments: [photo] });
    expect((await api(server, 'POST', '/api/certifications', member.token, application)).status).toBe(409);

    // The queue: masters and admins only; the photo opens for them, not for another member.
    expect((await api(server, 'GET', '/api/certifications?status=pending', agent.token)).status).toBe(403);
    const queue = (await api(server, 'GET', '/api/certifications?status=pending', master.token)).body.certifications;
    expect(queue.find((c: any) => c.id === id)).toMatchObject({ memberName: member.name, status: 'pending' });
    expect((await fetch(`${server.url}/api/uploads/${photo}`, { headers: { authorization: `Bearer ${master.token}` } })).status).toBe(200);
    expect((await fetch(`${server.url}/api/uploads/${photo}`, { headers: { authorization: `Bearer ${other.token}` } })).status).toBe(404);

    const ws = await RawClient.connect(server.wsUrl, member.token);
    try {
      expect((await api(server, 'POST', `/api/certifications/${id}/decision`, master.token, { approve: false })).status).toBe(400);
      expect((await api(server, 'POST', `/api/certifications/${id}/decision`, agent.token, { approve: true })).status).toBe(403);
      const rejected = await api(server, 'POST', `/api/certifications/${id}/decision`, master.token, { approve: false, reason: '照片不清楚，請重新上傳' });
      expect(rejected.body.certification).toMatchObject({ status: 'rejected', reason: '照片不清楚，請重新上傳', decidedBy: master.id });
      expect((await ws.next((f) => f.type === 'certification')).certification).toMatchObject({ id, status: 'rejected' });
      expect((await api(server, 'POST', `/api/certifications/${id}/decision`, master.token, { approve: true })).status).toBe(409);
      expect(await db().selectFrom('domain_events').select('id').where('type', '=', 'member.certified').where(sql`data->>'memberId'`, '=', member.id).execute()).toHaveLength(0);

      const again = await api(server, 'POST', '/api/certifications', member.token, { ...application, attachments: [await uploadPng(member.token)] });
      expect(again.status).toBe(201);
      const approved = await api(server, 'POST', `/api/certifications/${again.body.certification.id}/decision`, master.token, { approve: true });
      expect(approved.body.certification.status).toBe('approved');
      expect((await ws.next((f) => f.type === 'certification' && f.certification.status === 'approved')).certification.id).toBe(again.body.certification.id);
    } finally {
      ws.close();
    }
    const certified = await db().selectFrom('domain_events').select(['data', 'published_at']).where('type', '=', 'member.certified').where(sql`data->>'memberId'`, '=', member.id).execute();
    expect(certified.map((e) => e.data)).toEqual([expect.objectContaining({ memberId: member.id, decidedBy: master.id })]);
    // The decision is a staff action: the audit log holds it, by the master, on the member.
    const admin = await server.user('admin');
    const audited = await until(async () => {
      const entries = (await api(server, 'GET', '/api/audit?action=member.certify', admin.token)).body.entries as Array<{ actorId: string; target: string }>;
      return entries.find((e) => e.target === `member:${member.id}`);
    });
    expect(audited.actorId).toBe(master.id);
    expect((await api(server, 'GET', '/api/certifications/me', member.token)).body).toMatchObject({ certified: true, certification: { status: 'approved' } });
    expect((await api(server, 'POST', '/api/certifications', member.token, { ...application, attachments: [await uploadPng(member.token)] })).body.error).toMatchObject({ code: 'conflict', details: { reason: 'certified' } });

    // Staff serving the member see the mark and the level; others do not see the member at all.
    const chatId = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat.id;
    await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token);
    expect((await api(server, 'GET', `/api/members/${member.id}/standing`, agent.token)).body.standing).toMatchObject({ certified: true, merit: { total: 0, level: { id: 'seed' } } });
    expect((await api(server, 'GET', `/api/members/${member.id}/standing`, (await server.user('agent')).token)).status).toBe(404);
    expect((await api(server, 'GET', `/api/members/${member.id}/standing`, other.token)).status).toBe(404);
  });

  it('two applications sent at once: one waits, the other is refused', async () => {
    const member = await server.user('member');
    const [a, b] = [await uploadPng(member.token), await uploadPng(member.token)];
    const body = (photo: string) => ({ refugeDate: '2021-06-01', refugeTemple: '佛光山', master: '心保和尚', attachments: [photo] });
    const answers = await Promise.all([api(server, 'POST', '/api/certifications', member.token, body(a)), api(server, 'POST', '/api/certifications', member.token, body(b))]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await api(server, 'GET', '/api/certifications/me', member.token)).body.certifications).toHaveLength(1);
  });

  it('the sweep of unsent uploads keeps the photos bound to an application', async () => {
    const member = await server.user('member');
    const photo = await uploadPng(member.token);
    const stray = await uploadPng(member.token);
    const applied = await api(server, 'POST', '/api/certifications', member.token, { refugeDate: '2018-10-01', refugeTemple: '中台禪寺', master: '惟覺法師', attachments: [photo] });
    expect(applied.status).toBe(201);
    const service = new UploadService(db(), server.desk.chats, new UploadStorage(server.desk.config.uploads.dir), { maxBytes: server.desk.config.uploads.maxBytes, ...DEFAULT_UNSENT });
    await service.sweepUnsent(new Date(Date.now() + 2 * DEFAULT_UNSENT.unsentTtlMs));
    const master = await server.user('master');
    expect((await fetch(`${server.url}/api/uploads/${photo}`, { headers: { authorization: `Bearer ${master.token}` } })).status).toBe(200);
    expect((await fetch(`${server.url}/api/uploads/${stray}`, { headers: { authorization: `Bearer ${member.token}` } })).status).toBe(404);
  });

  it('a certified member waits with more weight in the queue', async () => {
    const plain = await server.user('member');
    const certified = await server.user('member');
    await db().insertInto('member_certifications').values({ member_id: certified.id, status: 'approved', refuge_date: '2019-01-01', refuge_temple: '佛光山', master: '星雲法師' }).execute();
    const urgency = async (token: string) => {
      const chatId = (await api(server, 'POST', '/api/chats', token, { topic: '請問' })).body.chat.id;
      const row = await until(async () => {
        const r = await db().selectFrom('chats').select(['base_urgency', 'queue']).where('id', '=', chatId).executeTakeFirstOrThrow();
        return r.queue ? r : null;
      });
      return row.base_urgency;
    };
    expect(await urgency(certified.token)).toBeGreaterThan(await urgency(plain.token));
  });
});

describe(`三寶 certification and the queue (${backend})`, () => {
  it('a member certified while their chat waits moves up in that chat at once', async () => {
    const member = await server.user('member');
    const master = await server.user('master');
    const chatId = (await api(server, 'POST', '/api/chats', member.token, { topic: '請問' })).body.chat.id;
    const before = await until(async () => {
      const r = await db().selectFrom('chats').select(['base_urgency', 'queue']).where('id', '=', chatId).executeTakeFirstOrThrow();
      return r.queue ? r : null;
    });
    const applied = await api(server, 'POST', '/api/certifications', member.token, { refugeDate: '2015-02-19', refugeTemple: '靈巖山寺', master: '妙蓮長老', attachments: [await uploadPng(member.token)] });
    await api(server, 'POST', `/api/certifications/${applied.body.certification.id}/decision`, master.token, { approve: true });
    await until(async () => (await db().selectFrom('chats').select('base_urgency').where('id', '=', chatId).executeTakeFirstOrThrow()).base_urgency > before.base_urgency);
  });
});

describe(`exclusive offers (${backend})`, () => {
  it('members see the active offers of their level and below, claim them for the code (once counted), and are refused above their level', async () => {
    const admin = await server.user('admin');
    const beginner = await server.user('member');
    const lotus = await server.user('member');
    await award(lotus.id, 300);
    const day = 86400_000;
    const offer = (title: string, minLevel: string, from: number, to: number) => ({ title, body: '說明', minLevel, code: `CODE-${title}`, startsAt: new Date(Date.now() + from).toISOString(), endsAt: new Date(Date.now() + to).toISOString() });
    expect((await api(server, 'POST', '/api/offers', beginner.token, offer('x', 'seed', -day, day))).status).toBe(403);
    expect((await api(server, 'POST', '/api/offers', admin.token, offer('x', 'nope', -day, day))).body.error).toMatchObject({ code: 'invalid', details: { field: 'minLevel' } });
    expect((await api(server, 'POST', '/api/offers', admin.token, offer('x', 'seed', day, -day))).status).toBe(400);
    expect((await api(server, 'POST', '/api/offers', admin.token, { ...offer('x', 'seed', -day, day), startsAt: 'soon' })).status).toBe(400);
    const tag = randomUUID().slice(0, 6);
    const forAll = (await api(server, 'POST', '/api/offers', admin.token, offer(`all-${tag}`, 'seed', -day, day))).body.offer;
    const forLotus = (await api(server, 'POST', '/api/offers', admin.token, offer(`lotus-${tag}`, 'lotus', -day, day))).body.offer;
    const later = (await api(server, 'POST', '/api/offers', admin.token, offer(`later-${tag}`, 'seed', day, 2 * day))).body.offer;
    const ended = (await api(server, 'POST', '/api/offers', admin.token, offer(`ended-${tag}`, 'seed', -2 * day, -day))).body.offer;
    expect(forAll).toMatchObject({ code: `CODE-all-${tag}`, claims: 0 });

    const seen = async (token: string) => (await api(server, 'GET', '/api/offers', token)).body.offers.filter((o: any) => o.title.endsWith(tag));
    expect((await seen(beginner.token)).map((o: any) => o.id)).toEqual([forAll.id]);
    expect((await seen(beginner.token))[0]).toMatchObject({ claimed: false });
    expect((await seen(beginner.token))[0].code).toBeUndefined();
    expect((await seen(lotus.token)).map((o: any) => o.id).sort()).toEqual([forAll.id, forLotus.id].sort());

    expect((await api(server, 'POST', `/api/offers/${forLotus.id}/claim`, beginner.token)).status).toBe(403);
    expect((await api(server, 'POST', `/api/offers/${later.id}/claim`, beginner.token)).status).toBe(409);
    expect((await api(server, 'POST', `/api/offers/${ended.id}/claim`, beginner.token)).status).toBe(409);
    expect((await api(server, 'POST', `/api/offers/${randomUUID()}/claim`, beginner.token)).status).toBe(404);
    const first = await api(server, 'POST', `/api/offers/${forAll.id}/claim`, beginner.token);
    expect(first).toMatchObject({ status: 200, body: { code: `CODE-all-${tag}` } });
    const repeat = await api(server, 'POST', `/api/offers/${forAll.id}/claim`, beginner.token);
    expect(repeat.body).toEqual(first.body);
    await api(server, 'POST', `/api/offers/${forAll.id}/claim`, lotus.token);
    expect((await seen(beginner.token))[0]).toMatchObject({ claimed: true, code: `CODE-all-${tag}` });
    const listed = (await api(server, 'GET', '/api/offers', admin.token)).body.offers;
    expect(listed.find((o: any) => o.id === forAll.id).claims).toBe(2);
    expect(listed.find((o: any) => o.id === forLotus.id).claims).toBe(0);

    // A level that offers still name cannot be removed.
    const levels = (await api(server, 'GET', '/api/merit/levels', admin.token)).body.levels;
    const without = await api(server, 'PUT', '/api/merit/levels', admin.token, { levels: levels.filter((l: any) => l.id !== 'lotus') });
    expect(without.body.error).toMatchObject({ code: 'conflict', details: { reason: 'level_in_use' } });
    expect((await api(server, 'DELETE', `/api/offers/${forLotus.id}`, admin.token)).status).toBe(200);
    expect((await api(server, 'POST', `/api/offers/${forLotus.id}/claim`, lotus.token)).status).toBe(404);
  });
});

describe(`daily leaderboard (${backend})`, () => {
  it('lists the day\'s merit of opted-in members by alias only, ties sharing a rank', async () => {
    const day = '2024-06-01';
    const at = new Date('2024-06-01T04:00:00Z'); // noon in Taipei
    const people = await Promise.all(['王小明', '李大華', '陳美玲', '林志偉'].map((name) => server.user('member', name)));
    const [wang, li, chen, lin] = people;
    await award(wang.id, 30, at);
    await award(li.id, 50, at);
    await award(chen.id, 50, at);
    await award(lin.id, 80, at); // not opted in
    expect((await api(server, 'PUT', '/api/merit/me/leaderboard', wang.token, { optIn: true })).body).toEqual({ optIn: true, alias: '王＊＊' });
    expect((await api(server, 'PUT', '/api/merit/me/leaderboard', li.token, { optIn: true, alias: '蓮友' })).body).toEqual({ optIn: true, alias: '蓮友' });
    await api(server, 'PUT', '/api/merit/me/leaderboard', chen.token, { optIn: true, alias: '妙音' });
    await api(server, 'PUT', '/api/merit/me/leaderboard', lin.token, { optIn: false });
    expect((await api(server, 'PUT', '/api/merit/me/leaderboard', wang.token, { optIn: true, alias: 'x'.repeat(21) })).status).toBe(400);

    const board = await api(server, 'GET', `/api/merit/leaderboard?date=${day}`, wang.token);
    expect(board.body).toEqual({ date: day, entries: [{ rank: 1, alias: '妙音', merit: 50 }, { rank: 1, alias: '蓮友', merit: 50 }, { rank: 3, alias: '王＊＊', merit: 30 }] });
    expect(JSON.stringify(board.body)).not.toContain(lin.name);
    for (const p of people) expect(JSON.stringify(board.body)).not.toContain(p.id);

    // Opting out removes the member at once; the alias is kept for next time.
    await api(server, 'PUT', '/api/merit/me/leaderboard', li.token, { optIn: false });
    expect((await api(server, 'GET', `/api/merit/leaderboard?date=${day}`, wang.token)).body.entries.map((e: any) => e.alias)).toEqual(['妙音', '王＊＊']);
    expect((await api(server, 'GET', '/api/merit/me/leaderboard', li.token)).body).toEqual({ optIn: false, alias: '蓮友' });
    expect((await api(server, 'GET', '/api/merit/leaderboard?date=2024-02-30', wang.token)).status).toBe(400);
  });

  it('the day follows desk time (Asia/Taipei)', async () => {
    const late = await server.user('member', '夜歸人');
    await api(server, 'PUT', '/api/merit/me/leaderboard', late.token, { optIn: true, alias: '夜歸人' });
    await award(late.id, 7, new Date('2024-07-01T15:30:00Z')); // 23:30 on 1 July in Taipei
    await award(late.id, 9, new Date('2024-07-01T16:30:00Z')); // 00:30 on 2 July in Taipei
    expect((await api(server, 'GET', '/api/merit/leaderboard?date=2024-07-01', late.token)).body.entries).toEqual([{ rank: 1, alias: '夜歸人', merit: 7 }]);
    expect((await api(server, 'GET', '/api/merit/leaderboard?date=2024-07-02', late.token)).body.entries).toEqual([{ rank: 1, alias: '夜歸人', merit: 9 }]);
  });

  it('shows the top 100 ranks whole: a tie at rank 100 is kept, the rank after it is not', async () => {
    const at = '2024-08-01T04:00:00Z';
    // 99 members with distinct merit, three tied at rank 100, one below.
    await sql`
      WITH m AS (
        INSERT INTO users (external_id, role, name, updated_at)
        SELECT 'lb-' || g || '-' || ${randomUUID()}, 'member', '會員' || g, now() FROM generate_series(1, 103) AS g
        RETURNING id, name
      ), pts AS (
        SELECT id, CASE WHEN substr(name, 3)::int <= 99 THEN 1000 - substr(name, 3)::int WHEN substr(name, 3)::int <= 102 THEN 500 ELSE 400 END AS points, name FROM m
      ), prefs AS (
        INSERT INTO merit_leaderboard_prefs (user_id, opt_in, alias) SELECT id, true, name FROM pts
      )
      INSERT INTO merit_ledger (member_id, minutes, positive_terms, verified_quotes, points, created_at)
      SELECT id, 0, 0, 0, points, ${at}::timestamptz FROM pts`.execute(db());
    const entries = (await api(server, 'GET', '/api/merit/leaderboard?date=2024-08-01', (await server.user('member')).token)).body.entries;
    expect(entries).toHaveLength(102);
    expect(entries[0]).toEqual({ rank: 1, alias: '會員1', merit: 999 });
    expect(entries.slice(99).map((e: any) => [e.rank, e.merit])).toEqual([[100, 500], [100, 500], [100, 500]]);
  });
});

describe(`bad input on the members routes (${backend})`, () => {
  it('answers malformed bodies, queries and ids with 400 or 404, never 500', async () => {
    const member = await server.user('member');
    const admin = await server.user('admin');
    const master = await server.user('master');
    const cases: Array<[string, string, string, unknown, number]> = [
      [member.token, 'PUT', '/api/merit/me/leaderboard', { optIn: 'yes' }, 400],
      [member.token, 'PUT', '/api/merit/me/leaderboard', { optIn: true, alias: 5 }, 400],
      [member.token, 'PUT', '/api/merit/me/leaderboard', { optIn: true, extra: 1 }, 400],
      [member.token, 'GET', '/api/merit/leaderboard?date=2024-1-1', undefined, 400],
      [member.token, 'GET', '/api/merit/leaderboard?date=%00', undefined, 400],
      [member.token, 'GET', '/api/merit/me?limit=abc', undefined, 400],
      [member.token, 'POST', '/api/certifications', { refugeDate: 'aaaa-bb-cc', refugeTemple: '寺', master: '師', attachments: [randomUUID()] }, 400],
      [member.token, 'POST', '/api/certifications', { refugeDate: '2020-01-01', refugeTemple: '寺', master: '師', attachments: ['not-a-uuid'] }, 400],
      [member.token, 'POST', '/api/certifications', { refugeDate: '2020-01-01', refugeTemple: ' ', master: '師', attachments: [randomUUID()] }, 400],
      [member.token, 'POST', '/api/certifications', '[]', 400],
      [master.token, 'POST', '/api/certifications/not-a-uuid/decision', { approve: true }, 404],
      [master.token, 'POST', `/api/certifications/${randomUUID()}/decision`, { approve: true }, 404],
      [master.token, 'POST', `/api/certifications/${randomUUID()}/decision`, { approve: 'yes' }, 400],
      [master.token, 'GET', '/api/certifications?status=lost', undefined, 400],
      [admin.token, 'POST', '/api/offers', { title: 't', minLevel: 'seed', code: 'c', startsAt: '1', endsAt: '2' }, 400],
      [admin.token, 'POST', '/api/offers', { title: 't', minLevel: 'seed', code: 'c', startsAt: '2024-13-40T00:00:00Z', endsAt: '2025-01-01T00:00:00Z' }, 400],
      [admin.token, 'POST', '/api/offers', { title: 't', minLevel: 'seed', code: ' ', startsAt: '2024-01-01T00:00:00Z', endsAt: '2025-01-01T00:00:00Z' }, 400],
      [admin.token, 'PUT', '/api/offers/not-a-uuid', { title: 't', minLevel: 'seed', code: 'c', startsAt: '2024-01-01T00:00:00Z', endsAt: '2025-01-01T00:00:00Z' }, 404],
      [admin.token, 'DELETE', `/api/offers/${randomUUID()}`, undefined, 404],
      [admin.token, 'PUT', '/api/merit/levels', { levels: [{ id: 'Seed Level!', minMerit: 0, name: { 'zh-TW': 'a', 'zh-CN': 'a', en: 'a' } }] }, 400],
      [admin.token, 'PUT', '/api/merit/levels', { levels: [{ id: 'seed', minMerit: -1, name: { 'zh-TW': 'a', 'zh-CN': 'a', en: 'a' } }] }, 400],
      [admin.token, 'PUT', '/api/merit/levels', { levels: 'all' }, 400],
      [member.token, 'POST', '/api/offers/not-a-uuid/claim', undefined, 404],
      [admin.token, 'GET', '/api/members/not-a-uuid/standing', undefined, 404],
    ];
    for (const [token, method, path, body, status] of cases) {
      const r = await api(server, method, path, token, body);
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
    }
  });

  it('an alias the content filter would block, mask or flag is refused', async () => {
    const member = await server.user('member');
    const r = await api(server, 'PUT', '/api/merit/me/leaderboard', member.token, { optIn: true, alias: '代開發票' });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'forbidden_content', details: { field: 'alias' } });
    expect((await api(server, 'GET', '/api/merit/me/leaderboard', member.token)).body.optIn).toBe(false);
  });
});
