/**
 * Dharma features through a real server: filter refusals, masking and review, citation policy by
 * role, automatic replies with their own seq, admin edits without restart, merit at close.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startServer, type TestServer } from './helpers/server';
import { RawClient } from './helpers/ws-client';
import { busEvent, reactionsDone, until } from './helpers/wait';
import { sql } from 'kysely';
import { recentRepliesQuery } from '../src/server/dharma/auto-replies';

let server: TestServer;
let admin: string;
let supervisor: string;

beforeAll(async () => {
  const started = Date.now();
  server = await startServer();
  console.log(`dharma test server started in ${Date.now() - started} ms`);
  admin = (await server.user('admin')).token;
  supervisor = (await server.user('supervisor')).token;
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

/** A member with an open chat held by a fresh agent. */
async function openChat(topic = '請問') {
  const member = await server.user('member');
  const agent = await server.user('agent');
  const chat = (await api(server, 'POST', '/api/chats', member.token, { topic })).body.chat;
  const accepted = await api(server, 'POST', `/api/chats/${chat.id}/accept`, agent.token);
  expect(accepted.status).toBe(200);
  return { member, agent, chatId: chat.id as string };
}

let n = 0;
const send = (token: string, chatId: string, text: string) => api(server, 'POST', `/api/chats/${chatId}/messages`, token, { id: `c${++n}`, text });
const history = async (token: string, chatId: string) => (await api(server, 'GET', `/api/chats/${chatId}/messages?limit=100`, token)).body.messages as any[];
const waitFor = <T>(fn: () => Promise<T | undefined | null | false>, ms = 5000): Promise<T> => until(fn, ms);
/** Sends over HTTP and resolves once every reaction to the message (automatic replies among them) has run. */
const sendAndSettle = async (token: string, chatId: string, text: string) => {
  const reacted = reactionsDone(server.desk.hub, (m) => m.chatId === chatId && m.text === text);
  const r = await send(token, chatId, text);
  await reacted;
  return r;
};

describe('content filter', () => {
  it('refuses a blocked term, also disguised, with its category, and takes no seq', async () => {
    const { member, chatId } = await openChat();
    for (const text of ['代開發票，便宜', '代 開 發 票', '代\u200b开-发.票']) {
      const r = await send(member.token, chatId, text);
      expect(r.status, text).toBe(422);
      expect(r.body.error.code).toBe('forbidden_content');
      expect(r.body.error.details.category).toBe('ads');
    }
    const ok = await send(member.token, chatId, '請問可以開發票嗎？我要報帳。');
    expect(ok.status).toBe(201);
    expect(ok.body.seq).toBe((await history(member.token, chatId)).at(-1).seq);
  });

  it('lets Buddhist conversation and words of distress through', async () => {
    const { member, chatId } = await openChat();
    for (const text of ['師父您好，法會什麼時候圓滿？', '法輪常轉，阿彌陀佛', '我是地藏法會的弟子，想請活佛喇嘛開示密宗', '我好痛苦，不想活了，想自殺']) {
      const r = await send(member.token, chatId, text);
      expect(r.status, text).toBe(201);
    }
  });

  it('masks profanity in the stored text and lists flagged messages for supervisors', async () => {
    const { member, agent, chatId } = await openChat();
    const masked = await send(member.token, chatId, '你這個王八蛋');
    expect(masked.status).toBe(201);
    const stored = (await history(agent.token, chatId)).find((m) => m.id === masked.body.messageId);
    expect(stored.text).toBe('你這個＊＊＊');
    const flagged = await send(member.token, chatId, '請問六四事件是什麼');
    expect(flagged.status).toBe(201);
    const msg = (await history(agent.token, chatId)).find((m) => m.id === flagged.body.messageId);
    expect(msg.flags.some((f: any) => f.kind === 'content')).toBe(true);
    const reviews = await waitFor(async () => {
      const r = await api(server, 'GET', '/api/dharma/reviews', supervisor);
      return r.body.reviews.find((x: any) => x.messageId === flagged.body.messageId);
    });
    expect(reviews.kind).toBe('content');
    expect((await api(server, 'GET', '/api/dharma/reviews', member.token)).status).toBe(403);
    expect((await api(server, 'POST', `/api/dharma/reviews/${reviews.id}/resolve`, supervisor)).status).toBe(200);
  });

  it('applies admin edits without a restart: term, category action, allow-list', async () => {
    const { member, chatId } = await openChat();
    expect((await send(member.token, chatId, '我想買蓮花燈座')).status).toBe(201);
    const added = await api(server, 'POST', '/api/dharma/terms', admin, { term: '蓮花燈座', category: 'custom' });
    expect(added.status).toBe(201);
    const refused = await send(member.token, chatId, '我想買蓮-花-燈-座');
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.category).toBe('custom');
    // Whole-term precedence: an allowed longer term covering it lets it pass.
    const allowed = await api(server, 'POST', '/api/dharma/allow', admin, { term: '蓮花燈座套組' });
    expect(allowed.status).toBe(201);
    expect((await send(member.token, chatId, '蓮花燈座套組還有貨嗎')).status).toBe(201);
    // Category action to flag: stored with a flag instead of refused.
    expect((await api(server, 'PUT', '/api/dharma/categories/custom', admin, { action: 'flag' })).status).toBe(200);
    const flagged = await send(member.token, chatId, '我想買蓮花燈座');
    expect(flagged.status).toBe(201);
    // Removal: the term is gone.
    expect((await api(server, 'DELETE', `/api/dharma/terms/${added.body.term.id}`, admin)).status).toBe(200);
    expect((await api(server, 'PUT', '/api/dharma/categories/custom', admin, { action: 'block' })).status).toBe(200);
    expect((await send(member.token, chatId, '我想買蓮花燈座')).status).toBe(201);
    // Only admins edit; bad input is a clear error.
    expect((await api(server, 'POST', '/api/dharma/terms', member.token, { term: '測試詞' })).status).toBe(403);
    expect((await api(server, 'POST', '/api/dharma/terms', admin, { term: '法' })).body.error.code).toBe('invalid');
    expect((await api(server, 'PUT', '/api/dharma/categories/custom', admin, { action: 'explode' })).status).toBe(400);
  });
});

describe('citations', () => {
  it('refuses an agent misquote with the sutra, Taishō number and closest authentic passage', async () => {
    const { agent, chatId } = await openChat();
    const r = await send(agent.token, chatId, '《地藏經》云：「地獄不空，誓不成佛」');
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('unverified_citation');
    expect(r.body.error.details.sutra).toBe('地藏菩薩本願經');
    expect(r.body.error.details.taisho).toBe('T0412');
    expect(typeof r.body.error.details.closestPassage).toBe('string');
    expect(r.body.error.details.closestPassage.length).toBeGreaterThan(3);
    // Over WebSocket the refusal names the client id and carries the same details.
    const ws = await RawClient.connect(server.wsUrl, agent.token);
    ws.send({ type: 'send', id: 'mis1', chatId, text: '心經說：「應無所住，而生其心」' });
    const err = await ws.next((f) => f.type === 'error' && f.id === 'mis1');
    expect(err.code).toBe('unverified_citation');
    expect(err.details.status).toBe('misattributed');
    expect(err.details.foundIn.taisho).toBe('T0235');
    ws.ws.close();
    // Authentic, variant and unknown-sutra quotes pass.
    for (const text of ['《心經》云：「無罣礙故，無有恐怖，遠離顛倒夢想」', '心经说：揭谛揭谛，波罗揭谛，波罗僧揭谛，菩提萨婆诃', '《楞嚴經》云：「狂心頓歇，歇即菩提」']) {
      expect((await send(agent.token, chatId, text)).status, text).toBe(201);
    }
  });

  it('stores a member misquote with a mark the agent sees', async () => {
    const { member, agent, chatId } = await openChat();
    const r = await send(member.token, chatId, '師父說《地藏經》云：「地獄不空，誓不成佛」，是真的嗎？');
    expect(r.status).toBe(201);
    const m = (await history(agent.token, chatId)).find((x) => x.id === r.body.messageId);
    const flag = m.flags.find((f: any) => f.kind === 'unverified_citation');
    expect(flag.detail.taisho).toBe('T0412');
    expect(flag.detail.status).toBe('misquote');
  });

  it('lets admins add a text to the corpus, then verifies against it', async () => {
    const { agent, chatId } = await openChat();
    // Not a Taishō text (T2887 is in the Dunhuang volume, outside the shipped canon).
    const quote = '《父母恩重難報經》云：「父母之恩，昊天罔極」';
    expect((await api(server, 'POST', '/api/dharma/check', agent.token, { text: quote })).body.citations[0].status).toBe('unknown_sutra');
    const corpusLoad = server.desk.dharma.citations.lastLoad;
    expect(corpusLoad).not.toBeNull();
    const add = await api(server, 'POST', '/api/dharma/sutras', admin, {
      id: 'T2887', taisho: 'T2887', title: '佛說父母恩重經', aliases: ['父母恩重難報經', '父母恩重經'], content: '佛告阿難汝今諦聽父母之恩昊天罔極云何可報',
    });
    expect(add.status).toBe(201);
    // An admin's text is indexed on its own: the canon's index is not rebuilt (nor read again).
    expect(server.desk.dharma.citations.lastLoad).toBe(corpusLoad);
    expect((await send(agent.token, chatId, quote)).status).toBe(201);
    const bad = await send(agent.token, chatId, '《父母恩重難報經》云：「父母之恩，易報易還」');
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.taisho).toBe('T2887');
    expect((await api(server, 'POST', '/api/dharma/sutras', admin, { id: 'T2887', title: 'x', content: 'y' })).status).toBe(409);
    expect((await api(server, 'POST', '/api/dharma/sutras', agent.token, { id: 'X1', title: 'x', content: 'y' })).status).toBe(403);
  });

  it('verifies against the whole canon: sayings found nowhere are refused for staff and marked for members (issue 27)', async () => {
    const { member, agent, chatId } = await openChat();
    for (const [text, taisho] of [
      ['《法華經》云：「放下屠刀，立地成佛」', 'T0262'],
      ['《华严经》云：「一花一世界，一叶一菩提」', 'T0278'],
    ]) {
      const r = await send(agent.token, chatId, text);
      expect(r.status, text).toBe(422);
      expect(r.body.error.code).toBe('unverified_citation');
      expect(r.body.error.details.status).toBe('misquote');
      expect(r.body.error.details.inCorpus).toBe(false);
      expect(r.body.error.details.taisho).toBe(taisho);
      const m = await send(member.token, chatId, `師兄，${text}，對嗎？`);
      expect(m.status).toBe(201);
      const stored = (await history(agent.token, chatId)).find((x) => x.id === m.body.messageId);
      expect(stored.flags.find((f: any) => f.kind === 'unverified_citation')?.detail).toMatchObject({ status: 'misquote', inCorpus: false });
    }
    // Authentic quotes of the newly loaded texts pass, in either script; a popular reading passes as a variant.
    for (const text of ['《法華經》云：「諸法從本來，常自寂滅相」', '《楞严经》云：「狂性自歇，歇即菩提」', '《華嚴經》云：「若人欲了知，三世一切佛，應觀法界性，一切唯心造」', '《涅槃经》云：「一切众生悉有佛性」', '《維摩經》云：「隨其心淨，則佛土淨」']) {
      expect((await send(agent.token, chatId, text)).status, text).toBe(201);
    }
    const variant = await api(server, 'POST', '/api/dharma/check', agent.token, { text: '《楞嚴經》云：「因地不真，果招紆曲」' });
    expect(variant.body.citations[0]).toMatchObject({ status: 'variant', readings: [{ popular: '因地不真', taisho: '因地不直' }] });
    const sutras = (await api(server, 'GET', '/api/dharma/sutras', admin)).body.sutras as any[];
    expect(sutras.filter((s) => s.source === 'CBETA')).toHaveLength(34);
  });
});

describe('automatic replies', () => {
  it('answers a member keyword with its own seq, in either script, once per cooldown', async () => {
    const member = await server.user('member');
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: '心情' })).body.chat;
    const ws = await RawClient.connect(server.wsUrl, member.token);
    ws.send({ type: 'send', id: 'k1', chatId: chat.id, text: '最近烦恼很多' });
    const ack = await ws.next((f) => f.type === 'ack' && f.id === 'k1');
    const reply = await ws.next((f) => f.type === 'message' && f.message.kind === 'auto_reply');
    expect(reply.message.seq).toBe(ack.seq + 1);
    expect(reply.message.text).toContain('無罣礙故，無有恐怖，遠離顛倒夢想');
    const k2Reacted = reactionsDone(server.desk.hub, (m) => m.chatId === chat.id && m.text === '煩惱還是很多');
    ws.send({ type: 'send', id: 'k2', chatId: chat.id, text: '煩惱還是很多' });
    await ws.next((f) => f.type === 'ack' && f.id === 'k2');
    await k2Reacted;
    expect((await history(member.token, chat.id)).filter((m) => m.kind === 'auto_reply')).toHaveLength(1);
    // Frames of one chat arrive in order: once a later message's echo is here, no reply is on its way.
    const marker = await ws.sendMessage(chat.id, '好的');
    await ws.next((f) => f.type === 'message' && f.message.id === marker.messageId);
    expect(ws.frames.filter((f) => f.type === 'message' && f.message.kind === 'auto_reply')).toHaveLength(1);
    ws.ws.close();
  });

  it('stays quiet when an agent answered within the minute or is typing', async () => {
    const { member, agent, chatId } = await openChat();
    expect((await send(agent.token, chatId, '您好，請說')).status).toBe(201);
    await sendAndSettle(member.token, chatId, '家人病痛，很擔心');
    expect((await history(member.token, chatId)).some((m) => m.kind === 'auto_reply')).toBe(false);

    // Control: the same chat shape with a silent agent does get the reply.
    const control = await openChat();
    await send(control.member.token, control.chatId, '家人病痛，很擔心');
    const reply = await waitFor(async () => (await history(control.member.token, control.chatId)).find((m) => m.kind === 'auto_reply'));
    expect(reply.text).toContain('眾病逼切，無救無歸');

    const other = await openChat();
    const aws = await RawClient.connect(server.wsUrl, other.agent.token);
    const typingHeard = busEvent(server.desk.bus, (e) => e.type === 'signal' && e.frame.type === 'typing' && e.frame.chatId === other.chatId);
    aws.send({ type: 'typing', chatId: other.chatId });
    await typingHeard; // subscribed after the automatic replies: they have noted it
    await sendAndSettle(other.member.token, other.chatId, '家人病痛，很擔心');
    expect((await history(other.member.token, other.chatId)).some((m) => m.kind === 'auto_reply')).toBe(false);
    aws.ws.close();
  });

  it('lets admins edit rules (quotes verified on save) with effect at once; low sentiment gets compassion', async () => {
    const bad = await api(server, 'POST', '/api/dharma/rules', admin, { keywords: ['地獄'], reply: '《地藏經》云：「地獄不空，誓不成佛」' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('unverified_citation');
    const good = await api(server, 'POST', '/api/dharma/rules', admin, { keywords: ['無常'], reply: '《金剛經》云：「一切有為法，如夢幻泡影」。' });
    expect(good.status).toBe(201);
    const member = await server.user('member');
    const chat = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat;
    await send(member.token, chat.id, '人生无常啊');
    const auto = await waitFor(async () => (await history(member.token, chat.id)).find((m) => m.kind === 'auto_reply'));
    expect(auto.text).toContain('如夢幻泡影');

    const m2 = await server.user('member');
    const c2 = (await api(server, 'POST', '/api/chats', m2.token, {})).body.chat;
    const sent = await send(m2.token, c2.id, '請問一下');
    const none = await server.desk.dharma.autoReplies.onSentiment({ chatId: c2.id, senderRole: 'member' }, -0.2);
    expect(none).toBeNull();
    const posted = await server.desk.dharma.autoReplies.onSentiment({ chatId: c2.id, senderRole: 'member' }, -0.8);
    expect(posted?.kind).toBe('auto_reply');
    expect(posted?.seq).toBe(sent.body.seq + 1);
    expect((await api(server, 'POST', '/api/dharma/compassion', admin, { text: '《心經》云：「色即是空，空即是色」' })).status).toBe(201);
    expect((await api(server, 'POST', '/api/dharma/compassion', admin, { text: '《心經》云：「色即是有，空即是無，一切皆實」' })).status).toBe(422);
    // A reply reaches members unreviewed: more distinct quotes than a message verifies is refused.
    const nine = ['色即是空', '空即是色', '受想行識亦復如是', '不生不滅', '不垢不淨', '不增不減', '無眼耳鼻舌身意', '無色聲香味觸法', '遠離顛倒夢想'].map((q) => `《心經》云：「${q}」`).join('');
    const tooMany = await api(server, 'POST', '/api/dharma/compassion', admin, { text: nine });
    expect(tooMany.body.error?.code).toBe('too_large');
    expect(tooMany.body.error.details.max).toBe(8);
  });
});

describe('across nodes', () => {
  it('applies an admin edit made on another node without a restart', async () => {
    if (!server.databaseUrl) return; // PGlite is one process: there is no second node to test
    const other = await startServer({ databaseUrl: server.databaseUrl });
    try {
      const member = await server.user('member');
      const chat = (await api(server, 'POST', '/api/chats', member.token, {})).body.chat;
      const memberOnOther = await other.token('member', member.name, member.sub);
      expect((await api(other, 'POST', `/api/chats/${chat.id}/messages`, memberOnOther, { id: 'x1', text: '我想問香積飯糰' })).status).toBe(201);
      expect((await api(server, 'POST', '/api/dharma/terms', admin, { term: '香積飯糰', category: 'custom' })).status).toBe(201);
      // The other node notices the version change by polling (no bus event needed).
      const refused = await waitFor(async () => {
        const r = await api(other, 'POST', `/api/chats/${chat.id}/messages`, memberOnOther, { id: `x${++n}`, text: '香積 飯糰' });
        return r.status === 422 ? r : null;
      }, 8000);
      expect(refused.body.error.details.category).toBe('custom');
    } finally {
      await other.stop();
    }
  }, 60_000);
});

describe('bad input', () => {
  it('answers clear errors and stays up', async () => {
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/api/dharma/terms', { term: '' }, 400, 'invalid'],
      ['POST', '/api/dharma/terms', { term: '測試', category: 'nope' }, 400, 'invalid'],
      ['POST', '/api/dharma/terms', { term: '測試', extra: 1 }, 400, 'invalid'],
      ['DELETE', '/api/dharma/terms/999999999', undefined, 404, 'not_found'],
      ['DELETE', '/api/dharma/terms/abc', undefined, 400, 'invalid'],
      ['PUT', '/api/dharma/categories/nope', { action: 'block' }, 404, 'not_found'],
      ['POST', '/api/dharma/allow', { term: '！！' }, 400, 'invalid'],
      ['POST', '/api/dharma/sutras', { id: 'bad id!', title: 't', content: 'c' }, 400, 'invalid'],
      ['POST', '/api/dharma/rules', { keywords: [], reply: 'x' }, 400, 'invalid'],
      ['POST', '/api/dharma/rules', { keywords: ['？'], reply: 'x' }, 400, 'invalid'],
      ['PATCH', '/api/dharma/rules/00000000-0000-0000-0000-000000000000', { enabled: false }, 404, 'not_found'],
      ['POST', '/api/dharma/compassion', { text: 'x'.repeat(1001) }, 400, 'invalid'],
      ['POST', '/api/dharma/reviews/00000000-0000-0000-0000-000000000000/resolve', undefined, 404, 'not_found'],
      ['POST', '/api/dharma/check', { text: 5 }, 400, 'invalid'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const r = await api(server, method, path, admin, body);
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
      expect(r.body.error.code).toBe(code);
    }
    expect((await api(server, 'GET', '/api/dharma/categories')).status).toBe(401);
    expect((await api(server, 'GET', '/healthz')).status).toBe(200);
    const curated = await api(server, 'GET', '/api/dharma/terms?enabled=false&q=%E6%B3%95%E6%9C%83', admin);
    expect(curated.body.terms[0]).toMatchObject({ enabled: false, note: expect.stringContaining('allow-list') });
    const openapi = await api(server, 'GET', '/api/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/dharma/check', '/api/merit/me', '/api/dharma/sutras']));
  });
});

describe('merit', () => {
  it('scores a closed chat once, stores the inputs, tells the member', async () => {
    const { member, agent, chatId } = await openChat();
    await send(member.token, chatId, '感恩師父，阿彌陀佛');
    await send(agent.token, chatId, '《金剛經》云：「凡所有相，皆是虛妄」');
    expect((await api(server, 'POST', `/api/chats/${chatId}/close`, member.token)).status).toBe(200);
    const note = await waitFor(async () => (await history(member.token, chatId)).find((m) => m.kind === 'system' && m.text.includes('功德')));
    // 10 base + 0 minutes + 2×2 positive terms + 5×1 verified quote
    expect(note.text).toContain('+19');
    const me = await api(server, 'GET', '/api/merit/me', member.token);
    expect(me.body.total).toBe(19);
    expect(me.body.entries[0]).toMatchObject({ chatId, points: 19, positiveTerms: 2, verifiedQuotes: 1 });
    // Running the job again changes nothing (idempotent per chat).
    expect(await server.desk.dharma.merit.score(chatId)).toBeNull();
    expect((await api(server, 'GET', '/api/merit/me', member.token)).body.total).toBe(19);
  });

  it('gives no merit for a chat the member never wrote in', async () => {
    const { member, chatId } = await openChat();
    expect((await api(server, 'POST', `/api/chats/${chatId}/close`, member.token)).status).toBe(200);
    expect(await server.desk.dharma.merit.score(chatId)).toBeNull();
    expect((await api(server, 'GET', '/api/merit/me', member.token)).body).toMatchObject({ total: 0, entries: [], level: { minMerit: 0 }, history: [expect.objectContaining({ ledgerId: null })] });
  });
});

describe('the automatic replies\' guard', () => {
  it('reads a long chat\'s recent agent and automatic messages from its own index, not the whole chat', async () => {
    const { member, agent, chatId } = await openChat('法會報名');
    const db = server.desk.database.db;
    // 3,000 member messages an hour old, then one agent answer now.
    await sql`INSERT INTO messages (chat_id, seq, sender_id, sender_role, kind, content, created_at)
      SELECT ${chatId}, 100 + g, ${member.id}, 'member', 'text', '第' || g || '則', now() - interval '1 hour'
      FROM generate_series(1, 3000) AS g`.execute(db);
    await sql`INSERT INTO messages (chat_id, seq, sender_id, sender_role, kind, content) VALUES (${chatId}, 5000, ${agent.id}, 'agent', 'text', '您好')`.execute(db);
    await sql`ANALYZE messages`.execute(db);
    const since = new Date(Date.now() - 5 * 60_000);
    const rows = (await recentRepliesQuery(chatId, since).execute(db)).rows;
    expect(rows.map((r) => r.sender_role)).toEqual(['agent']);
    const compiled = recentRepliesQuery(chatId, since).compile(db);
    const explained = await sql<{ 'QUERY PLAN': string }>`EXPLAIN ${sql.raw(compiled.sql.replace('$1', `'${chatId}'`).replace('$2', `'${since.toISOString()}'`))}`.execute(db);
    const plan = explained.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('messages_reply_guard_idx');
  });
});

