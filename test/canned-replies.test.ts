/**
 * Canned replies (PROTOCOL part 2): personal and team replies with shortcuts, search in either
 * script, misquotes refused when saved with the authentic passage, {member} and {agent} filled
 * in when used, usage counts, and who may edit what.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, backend, startServer, type TestServer } from './helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe(`canned replies (${backend})`, () => {
  it('personal and team replies: search in either script, misquotes refused, placeholders filled, uses counted', async () => {
    const agent = await server.user('agent', '慧明');
    const other = await server.user('agent');
    const sup = await server.user('supervisor');
    const member = await server.user('member', '林居士');

    // A misquote is refused with the sutra and the authentic passage; nothing is saved.
    const bad = await api(server, 'POST', '/api/canned-replies', agent.token, { shortcut: 'dizang', title: '地藏願', text: '《地藏經》云：「地獄不空，誓不成佛」' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('unverified_citation');
    expect(bad.body.error.details.sutra).toContain('地藏');
    expect(typeof bad.body.error.details.closestPassage).toBe('string');
    expect(bad.body.error.details.closestPassage.length).toBeGreaterThan(4);
    expect((await api(server, 'GET', '/api/canned-replies', agent.token)).body.replies).toEqual([]);

    const greet = await api(server, 'POST', '/api/canned-replies', agent.token, { shortcut: '/hi', title: '問候', text: '{member}您好，我是{agent}，很高興為您服務。阿彌陀佛' });
    expect(greet.status).toBe(201);
    expect(greet.body.reply).toMatchObject({ shortcut: 'hi', scope: 'personal', ownerId: agent.id, usageCount: 0 });
    const sutra = await api(server, 'POST', '/api/canned-replies', agent.token, { shortcut: 'wuchang', title: '無常開示', text: '《金剛經》云：「一切有為法，如夢幻泡影」。願{member}心安。' });
    expect(sutra.status).toBe(201);
    // Team replies are the supervisors'.
    expect((await api(server, 'POST', '/api/canned-replies', agent.token, { shortcut: 'team1', title: 'x', text: 'y', scope: 'team' })).status).toBe(403);
    const team = await api(server, 'POST', '/api/canned-replies', sup.token, { shortcut: 'huixiang', title: '迴向文', text: '願以此功德，普及於一切，我等與眾生，皆共成佛道。', scope: 'team' });
    expect(team.status).toBe(201);
    expect(team.body.reply.scope).toBe('team');
    // Shortcuts are unique per owner, whatever the case; bad input is 400.
    expect((await api(server, 'POST', '/api/canned-replies', agent.token, { shortcut: 'HI', title: 'x', text: 'y' })).status).toBe(409);
    expect((await api(server, 'POST', '/api/canned-replies', other.token, { shortcut: 'hi', title: 'x', text: 'y' })).status).toBe(201);
    expect((await api(server, 'POST', '/api/canned-replies', agent.token, { shortcut: 'a b', title: 'x', text: 'y' })).status).toBe(400);
    expect((await api(server, 'POST', '/api/canned-replies', agent.token, { shortcut: 'ok', title: 'x' })).status).toBe(400);
    expect((await api(server, 'POST', '/api/canned-replies', member.token, { shortcut: 'm', title: 'x', text: 'y' })).status).toBe(403);

    // Mine and the team's; not the other agent's. Search in Simplified finds Traditional text.
    const all = (await api(server, 'GET', '/api/canned-replies', agent.token)).body.replies.map((r: any) => r.shortcut);
    expect(all.sort()).toEqual(['hi', 'huixiang', 'wuchang']);
    const q = async (text: string) => (await api(server, 'GET', `/api/canned-replies?q=${encodeURIComponent(text)}`, agent.token)).body.replies.map((r: any) => r.shortcut);
    expect(await q('回向文')).toEqual(['huixiang']); // 迴向文 written in Traditional
    expect(await q('无常')).toEqual(['wuchang']);
    expect(await q('梦幻泡影')).toEqual(['wuchang']); // in the text
    expect(await q('/hu')).toEqual(['huixiang']); // shortcut prefix, slash included
    expect(await q('沒有這個')).toEqual([]);

    // Used in a chat: names filled in, use counted.
    const chatId = (await api(server, 'POST', '/api/chats', member.token, { topic: '請問' })).body.chat.id;
    expect((await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token)).status).toBe(200);
    const used = await api(server, 'POST', `/api/canned-replies/${greet.body.reply.id}/use`, agent.token, { chatId });
    expect(used.status).toBe(200);
    expect(used.body.text).toBe('林居士您好，我是慧明，很高興為您服務。阿彌陀佛');
    expect(used.body.reply.usageCount).toBe(1);
    // The used text is an ordinary message, and its quote passes the send-time check too.
    const quoted = await api(server, 'POST', `/api/canned-replies/${sutra.body.reply.id}/use`, agent.token, { chatId });
    expect(quoted.body.text).toContain('願林居士心安');
    expect((await api(server, 'POST', `/api/chats/${chatId}/messages`, agent.token, { id: 'c1', text: quoted.body.text })).status).toBe(201);
    // Another agent cannot use my reply, nor fill names from a chat they cannot see.
    expect((await api(server, 'POST', `/api/canned-replies/${greet.body.reply.id}/use`, other.token, {})).status).toBe(404);
    expect((await api(server, 'POST', `/api/canned-replies/${team.body.reply.id}/use`, other.token, { chatId })).status).toBe(404);
    expect((await api(server, 'POST', `/api/canned-replies/${team.body.reply.id}/use`, other.token, {})).body.text).toContain('願以此功德');
    // The most used come first.
    expect((await api(server, 'GET', '/api/canned-replies', agent.token)).body.replies[0].shortcut).toBe('hi');

    // Editing: own replies; team replies by supervisors; a misquote in an edit is refused.
    expect((await api(server, 'PATCH', `/api/canned-replies/${greet.body.reply.id}`, other.token, { title: 'x' })).status).toBe(404);
    expect((await api(server, 'PATCH', `/api/canned-replies/${team.body.reply.id}`, agent.token, { title: 'x' })).status).toBe(403);
    expect((await api(server, 'PATCH', `/api/canned-replies/${team.body.reply.id}`, sup.token, { title: '迴向偈' })).body.reply.title).toBe('迴向偈');
    const misEdit = await api(server, 'PATCH', `/api/canned-replies/${sutra.body.reply.id}`, agent.token, { text: '《金剛經》云：「一切有為法，如夢如電如雷」' });
    expect(misEdit.status).toBe(422);
    expect(misEdit.body.error.details.closestPassage).toContain('夢幻泡影');
    expect((await api(server, 'DELETE', `/api/canned-replies/${greet.body.reply.id}`, other.token)).status).toBe(404);
    expect((await api(server, 'DELETE', `/api/canned-replies/${greet.body.reply.id}`, agent.token)).status).toBe(200);
    expect((await q('hi'))).toEqual([]);
  });
});
