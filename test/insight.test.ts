/**
 * The insight path through a real server: member messages become analysis jobs, the worker stores
 * the score, pushes it to the people serving the chat and raises urgency — idempotently and with
 * retries — and distress raises the chat to the top, alerts supervisors and masters on duty, and
 * sends the member a caring reply with the configured help lines.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, backend, startServer, type TestServer } from './helpers/server';
import { RawClient } from './helpers/ws-client';
import { jobsIdle, reactionsDone, until as poll } from './helpers/wait';
const until = <T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 15_000) => poll(check, timeoutMs);

const HOUR = 3600_000;


function suite(name: string, env: () => Record<string, string>) {
  describe(name, () => {
    let server: TestServer;
    const sockets: RawClient[] = [];
    beforeAll(async () => {
      server = await startServer({ env: env() });
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await server.stop();
    });

    const db = () => server.desk.database.db;
    const connect = async (token: string) => {
      const c = await RawClient.connect(server.wsUrl, token);
      sockets.push(c);
      return c;
    };
    async function memberChat(topic = '心情') {
      const member = await server.user('member', '林居士');
      const chat = (await api(server, 'POST', '/api/chats', member.token, { topic })).body.chat;
      return { member, chatId: chat.id as string };
    }
    const say = async (token: string, chatId: string, text: string) => {
      const r = await api(server, 'POST', `/api/chats/${chatId}/messages`, token, { id: randomUUID(), text });
      expect(r.status).toBe(201);
      return r.body.messageId as string;
    };
    /** Says `text` and waits until its reactions ran and every job they queued (scoring, compassion) is done. */
    const sayAndSettle = async (token: string, chatId: string, text: string) => {
      const reacted = reactionsDone(server.desk.hub, (m) => m.chatId === chatId && m.text === text);
      const id = await say(token, chatId, text);
      await reacted;
      await jobsIdle(server.desk.bus);
      return id;
    };
    const scoreOf = async (messageId: string) => (await db().selectFrom('messages').select('sentiment_score').where('id', '=', messageId).executeTakeFirstOrThrow()).sentiment_score;

    it('a sad member message: score stored, pushed to a supervisor, urgency raised; agents\' messages are not scored', async () => {
      const sup = await server.user('supervisor');
      const supSocket = await connect(sup.token);
      const { member, chatId } = await memberChat();
      const before = await db().selectFrom('chats').select(['base_urgency', 'min_sentiment']).where('id', '=', chatId).executeTakeFirstOrThrow();
      expect(before.min_sentiment).toBeNull();
      const messageId = await say(member.token, chatId, '心裡好煩惱，每天都失眠，真的好痛苦');
      const frame = await supSocket.next((f) => f.type === 'sentiment' && f.messageId === messageId, 15_000);
      expect(frame).toMatchObject({ type: 'sentiment', chatId, messageId });
      expect(frame.score).toBeLessThan(-0.5);
      expect(await scoreOf(messageId)).toBe(frame.score);
      const after = await until(async () => {
        const r = await db().selectFrom('chats').select(['base_urgency', 'min_sentiment']).where('id', '=', chatId).executeTakeFirstOrThrow();
        return r.min_sentiment !== null ? r : null;
      });
      expect(after.min_sentiment).toBeCloseTo(frame.score, 4);
      expect(after.base_urgency).toBeGreaterThan(before.base_urgency);

      // A happy message does not lift the chat's lowest mood.
      const happy = await say(member.token, chatId, '謝謝，感恩師父');
      await until(async () => (await scoreOf(happy)) !== null);
      expect(await scoreOf(happy)).toBeGreaterThan(0);
      expect((await db().selectFrom('chats').select('min_sentiment').where('id', '=', chatId).executeTakeFirstOrThrow()).min_sentiment).toBeCloseTo(frame.score, 4);

      const agent = await server.user('agent');
      expect((await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token)).status).toBe(200);
      const reply = await sayAndSettle(agent.token, chatId, '您好，我很難過聽到這些');
      expect(await scoreOf(reply)).toBeNull();
    });

    it('a sad member message gets one compassion reply from the Dharma pool, after its score', async () => {
      const { member, chatId } = await memberChat();
      const socket = await connect(member.token);
      const messageId = await say(member.token, chatId, '我真的很難過，每天晚上都一個人哭');
      const reply = await socket.next((f) => f.type === 'message' && f.message.chatId === chatId && f.message.kind === 'auto_reply', 15_000);
      // Why the reply was sent is a staff note: the member's frame lacks it, a supervisor reads it.
      expect(reply.message.flags).toBeUndefined();
      const staff = (await server.user('supervisor')).token;
      const history = await api(server, 'GET', `/api/chats/${chatId}/messages`, staff);
      const noted = history.body.messages.find((m: any) => m.id === reply.message.id);
      expect(noted.flags?.[0]?.detail).toMatchObject({ kind: 'compassion' });
      expect(noted.flags[0].detail.score).toBe(await scoreOf(messageId));
      expect(noted.flags[0].detail.score).toBeLessThan(-0.5);
      // A cheerful message gets none.
      const glad = await sayAndSettle(member.token, chatId, '謝謝，心裡好多了，感恩');
      expect(await scoreOf(glad)).toBeGreaterThan(0);
      const stored = (await api(server, 'GET', `/api/chats/${chatId}/messages`, staff)).body.messages.filter((m: any) => m.kind === 'auto_reply');
      expect(stored).toHaveLength(1);
      // Frames of one chat arrive in order: once a later message's echo is here, no reply is still on its way.
      const marker = await socket.sendMessage(chatId, '好的');
      await socket.next((f) => f.type === 'message' && f.message.id === marker.messageId);
      expect(socket.frames.filter((f) => f.type === 'message' && f.message.kind === 'auto_reply')).toHaveLength(1);
    });

    it('is idempotent: a duplicate job or a second run applies nothing twice', async () => {
      const { member, chatId } = await memberChat();
      const seen: string[] = [];
      const off = server.desk.insight.worker.onScored((m) => void seen.push(m.id));
      try {
        const text = '包裹破損，很失望';
        const messageId = await say(member.token, chatId, text);
        await until(async () => seen.includes(messageId));
        const payload = { messageId, chatId, text, senderRole: 'member' as const };
        await server.desk.bus.enqueue('message.analyze', payload, { jobId: messageId });
        expect(await server.desk.insight.worker.analyze(payload)).toBe('already-scored');
        await jobsIdle(server.desk.bus); // the duplicate job ran (or was dropped as a duplicate)
        expect(seen.filter((id) => id === messageId)).toHaveLength(1);
        expect(await server.desk.insight.worker.analyze({ ...payload, messageId: randomUUID() })).toBe('missing');
      } finally {
        off();
      }
    });

    it('retries a failed job: the first attempt fails after scoring, the retry applies everything once', async () => {
      const { member, chatId } = await memberChat();
      const calls: Array<{ id: string; ok: boolean }> = [];
      let failNext = true;
      const off = server.desk.insight.worker.onScored((m) => {
        if (m.chatId !== chatId) return;
        if (failNext) {
          failNext = false;
          calls.push({ id: m.id, ok: false });
          throw new Error('listener down once');
        }
        calls.push({ id: m.id, ok: true });
      });
      try {
        const messageId = await say(member.token, chatId, '我好害怕，整晚睡不著');
        await until(async () => calls.some((c) => c.ok), 20_000);
        expect(calls).toEqual([{ id: messageId, ok: false }, { id: messageId, ok: true }]);
        expect(await scoreOf(messageId)).toBeLessThan(0);
        expect((await db().selectFrom('chats').select('min_sentiment').where('id', '=', chatId).executeTakeFirstOrThrow()).min_sentiment).not.toBeNull();
        await jobsIdle(server.desk.bus); // no further retry is waiting
        expect(calls).toHaveLength(2);
      } finally {
        off();
      }
    });

    it('distress: urgency 1, alert to a supervisor and an on-duty master, one caring reply with help lines; negation is not distress', async () => {
      const sup = await server.user('supervisor');
      const master = await server.user('master');
      const now = Date.now();
      expect((await api(server, 'POST', '/api/schedules', sup.token, { userId: master.id, shiftStart: new Date(now - HOUR).toISOString(), shiftEnd: new Date(now + HOUR).toISOString() })).status).toBe(201);
      // The master holds no chats, so the distress chat stays in the queue to be seen at its top
      // (a master with room would be offered it first: test/duty.test.ts).
      expect((await api(server, 'PATCH', `/api/users/${master.id}`, sup.token, { maxConcurrent: 0 })).status).toBe(200);
      // No wait for a master either: a full master would otherwise leave a delayed fallback pass
      // in the job queue, and the settling below waits for the queue to be idle.
      expect((await api(server, 'PATCH', '/api/desk/duty-settings', sup.token, { masterFirstSeconds: 0 })).status).toBe(200);
      const supSocket = await connect(sup.token);
      const masterSocket = await connect(master.token);

      const calm = await memberChat();
      const calmSocket = await connect(calm.member.token);
      await sayAndSettle(calm.member.token, calm.chatId, '我不會自殺的，放心，只是想問法會時間');

      const { member, chatId } = await memberChat();
      const memberSocket = await connect(member.token);
      const messageId = await say(member.token, chatId, '我真的不想活了');
      const alert = await supSocket.next((f) => f.type === 'alert' && f.chatId === chatId);
      expect(alert).toMatchObject({ type: 'alert', kind: 'distress', chatId, messageId, memberId: member.id });
      expect(alert.phrases).toContain('不想活');
      expect(await masterSocket.next((f) => f.type === 'alert' && f.chatId === chatId)).toMatchObject({ kind: 'distress', messageId });
      const reply = await memberSocket.next((f) => f.type === 'message' && f.message.chatId === chatId && f.message.kind === 'auto_reply' && f.message.text.includes('1925'));
      expect(reply.message.text).toContain('1995');
      expect(reply.message.text).toContain('1980');
      const chat = await db().selectFrom('chats').select(['distress', 'base_urgency']).where('id', '=', chatId).executeTakeFirstOrThrow();
      expect(chat).toEqual({ distress: true, base_urgency: 1 });
      const queue = (await api(server, 'GET', '/api/chats?status=pending', sup.token)).body.chats;
      expect(queue[0].id).toBe(chatId);

      // A second distress message alerts again but does not repeat the caring reply.
      const second = await sayAndSettle(member.token, chatId, '活不下去了');
      await supSocket.next((f) => f.type === 'alert' && f.messageId === second);
      const caring = (await api(server, 'GET', `/api/chats/${chatId}/messages`, member.token)).body.messages.filter((m: any) => m.kind === 'auto_reply' && m.text.includes('1925'));
      expect(caring).toHaveLength(1);

      // One answer to distress: the caring reply, not a compassion verse as well (its job is done).
      expect(await scoreOf(second)).not.toBeNull();
      const autos = (await api(server, 'GET', `/api/chats/${chatId}/messages`, member.token)).body.messages.filter((m: any) => m.kind === 'auto_reply');
      expect(autos).toHaveLength(1);

      // The negated message raised nothing.
      expect(supSocket.frames.some((f) => f.type === 'alert' && f.chatId === calm.chatId)).toBe(false);
      expect(calmSocket.frames.some((f) => f.type === 'message' && f.message.kind === 'auto_reply' && f.message.text.includes('1925'))).toBe(false);
      expect((await db().selectFrom('chats').select('distress').where('id', '=', calm.chatId).executeTakeFirstOrThrow()).distress).toBe(false);
    });

    it('distress backstop: when the reaction never ran (node died after commit), the worker raises the chat once', async () => {
      const sup = await server.user('supervisor');
      const supSocket = await connect(sup.token);
      const { member, chatId } = await memberChat();
      // Stored without the pipeline's reactions, as if the storing node had died right after commit.
      const store = (text: string) =>
        server.desk.store.append({ chatId, senderId: member.id, senderRole: 'member', senderName: member.name, kind: 'text', text, clientId: randomUUID(), attachments: [], flags: [], requireOpen: true });
      const first = (await store('我撐不下去了，不想活了')).message;
      expect((await db().selectFrom('chats').select('distress').where('id', '=', chatId).executeTakeFirstOrThrow()).distress).toBe(false);
      expect(await server.desk.insight.worker.analyze({ messageId: first.id, chatId, text: first.text, senderRole: 'member' })).toBe('scored');
      expect(await supSocket.next((f) => f.type === 'alert' && f.chatId === chatId)).toMatchObject({ kind: 'distress', messageId: first.id, memberId: member.id, memberName: member.name });
      expect(await db().selectFrom('chats').select(['distress', 'base_urgency']).where('id', '=', chatId).executeTakeFirstOrThrow()).toEqual({ distress: true, base_urgency: 1 });
      const second = (await store('活不下去')).message;
      await server.desk.insight.worker.analyze({ messageId: second.id, chatId, text: second.text, senderRole: 'member' });
      const autos = (await api(server, 'GET', `/api/chats/${chatId}/messages`, member.token)).body.messages.filter((m: any) => m.kind === 'auto_reply');
      expect(autos).toHaveLength(1);
      expect(autos[0].text).toContain('1925');
      expect(supSocket.frames.filter((f) => f.type === 'alert' && f.chatId === chatId)).toHaveLength(1);
    });

    it('admins configure the help lines; the reply follows the member\'s script; bad input and non-admins are refused', async () => {
      const admin = await server.user('admin');
      const agent = await server.user('agent');
      const member = await server.user('member');
      const settings = { message: '您並不孤單，我們在這裡陪您。', helplines: [{ name: '測試關懷專線', phone: '0800-000-123', note: '全天' }] };
      expect((await api(server, 'PUT', '/api/insight/helplines', agent.token, settings)).status).toBe(403);
      expect((await api(server, 'GET', '/api/insight/helplines', member.token)).status).toBe(403);
      const bad = await api(server, 'PUT', '/api/insight/helplines', admin.token, { helplines: [] });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid');
      expect((await api(server, 'PUT', '/api/insight/helplines', admin.token, { helplines: [{ name: 'x' }] })).status).toBe(400);
      expect((await api(server, 'PUT', '/api/insight/helplines', admin.token, settings)).status).toBe(200);
      expect((await api(server, 'GET', '/api/insight/helplines', agent.token)).body).toEqual(settings);

      const { member: m2, chatId } = await memberChat();
      const socket = await connect(m2.token);
      await say(m2.token, chatId, '我想自杀，活着没有意义'); // Simplified
      const reply = await socket.next((f) => f.type === 'message' && f.message.kind === 'auto_reply' && f.message.text.includes('0800-000-123'));
      expect(reply.message.text).toContain('您并不孤单'); // answered in Simplified
      expect(reply.message.text).toContain('测试关怀专线');
    });

    it('messages stored together are analysed in one job, and every one of them is scored', async () => {
      const { member, chatId } = await memberChat('一批');
      const bus = server.desk.bus;
      const queued: string[] = [];
      const enqueue = bus.enqueue.bind(bus);
      bus.enqueue = ((name: string, payload: never, opts: never) => (queued.push(name), enqueue(name as never, payload, opts))) as typeof bus.enqueue;
      try {
        const c = await connect(member.token);
        // Sent in one go over one socket: one group commit.
        const acks = await Promise.all(['好難過', '謝謝你們', '請問何時出貨', '很失望', '感恩'].map((t) => c.sendMessage(chatId, t)));
        await until(async () => {
          const rows = await db().selectFrom('messages').select('sentiment_score').where('id', 'in', acks.map((a) => a.messageId)).execute();
          return rows.every((r) => r.sentiment_score !== null);
        });
        expect(queued.filter((n) => n === 'messages.analyze').length).toBeLessThan(acks.length);
        expect(queued).not.toContain('message.analyze');
      } finally {
        bus.enqueue = enqueue;
      }
    });

    it('scores texts for staff over HTTP', async () => {
      const agent = await server.user('agent');
      const r = await api(server, 'POST', '/api/insight/sentiment', agent.token, { texts: ['感恩', '很失望'] });
      expect(r.status).toBe(200);
      expect(r.body.scores[0]).toBeGreaterThan(0);
      expect(r.body.scores[1]).toBeLessThan(0);
      expect((await api(server, 'POST', '/api/insight/sentiment', agent.token, { texts: 'x' })).status).toBe(400);
    });
  });
}

suite(`insight on the embedded bus (${backend})`, () => ({}));
const redisUrl = process.env.TEST_REDIS_URL;
if (redisUrl) suite(`insight on Redis/BullMQ (${backend})`, () => ({ REDIS_URL: redisUrl, LOTUSDESK_REDIS_PREFIX: `ins${randomUUID().slice(0, 8)}` }));
else console.warn('!! insight on Redis SKIPPED: TEST_REDIS_URL is not set');
