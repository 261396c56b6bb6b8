/**
 * Issue 18, finding 1: a transfer's note is a private note. The member never reads it by any
 * path: live frames, history, resume, the chat object; staff read it as a note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, startServer, type TestServer } from '../helpers/server';
import { RawClient } from '../helpers/ws-client';

const NOTE = '會員疑似情緒不穩，請多留意（內部備註）';

describe(`transfer notes stay with staff (${backend})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, text: await res.text() };
  };

  it('the member gets no frame, history line, resume or chat field with the note; staff get it as a note', async () => {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const other = await server.user('agent');
    const chatId = JSON.parse((await api('POST', '/api/chats', member.token, { topic: '訂單' })).text).chat.id;
    expect((await api('POST', `/api/chats/${chatId}/accept`, agent.token)).status).toBe(200);
    const memberWs = await RawClient.connect(server.wsUrl, member.token);
    const otherWs = await RawClient.connect(server.wsUrl, other.token);

    const transfer = await api('POST', `/api/chats/${chatId}/transfer`, agent.token, { to: other.id, note: NOTE });
    expect(transfer.status).toBe(200);
    const noteFrame = await otherWs.next((f) => f.type === 'note' && f.note.chatId === chatId);
    expect(noteFrame.note.text).toBe(NOTE);

    // A later message proves the member's connection has processed everything the transfer sent.
    await otherWs.sendMessage(chatId, '您好，我接手為您服務');
    await memberWs.next((f) => f.type === 'message' && f.message.text === '您好，我接手為您服務');
    expect(JSON.stringify(memberWs.frames)).not.toContain('內部備註');
    expect(memberWs.frames.some((f) => f.type === 'message' && f.message.kind === 'system' && f.message.text.includes('轉接'))).toBe(true);

    // History, the chat object, the chat list and a resume from the start: no note.
    expect((await api('GET', `/api/chats/${chatId}/messages`, member.token)).text).not.toContain('內部備註');
    expect((await api('GET', `/api/chats/${chatId}`, member.token)).text).not.toContain('內部備註');
    expect((await api('GET', '/api/chats', member.token)).text).not.toContain('內部備註');
    const resumed = await RawClient.connect(server.wsUrl, member.token, { resume: { [chatId]: 0 } });
    await resumed.next((f) => f.type === 'message' && f.message.text === '您好，我接手為您服務');
    expect(JSON.stringify(resumed.frames)).not.toContain('內部備註');

    // Notes are for staff: a member gets 404 on the notes routes.
    expect((await api('GET', `/api/chats/${chatId}/notes`, member.token)).status).toBe(404);
    expect((await api('POST', `/api/chats/${chatId}/notes`, member.token, { text: 'x' })).status).toBe(404);
    const notes = JSON.parse((await api('GET', `/api/chats/${chatId}/notes`, other.token)).text).notes;
    expect(notes).toMatchObject([{ text: NOTE, authorId: agent.id, chatId }]);
    memberWs.close();
    otherWs.close();
    resumed.close();
  });

  it('a note written on a chat reaches its staff live and never the member', async () => {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const sup = await server.user('supervisor');
    const chatId = JSON.parse((await api('POST', '/api/chats', member.token, { topic: '供養' })).text).chat.id;
    await api('POST', `/api/chats/${chatId}/accept`, agent.token);
    const memberWs = await RawClient.connect(server.wsUrl, member.token);
    const supWs = await RawClient.connect(server.wsUrl, sup.token);
    const written = await api('POST', `/api/chats/${chatId}/notes`, agent.token, { text: '已私訊確認地址（備註）' });
    expect(written.status).toBe(201);
    await supWs.next((f) => f.type === 'note' && f.note.text === '已私訊確認地址（備註）');
    expect((await api('POST', `/api/chats/${chatId}/notes`, agent.token, { text: '   ' })).status).toBe(400);
    // An agent who cannot see the chat cannot read its notes.
    const stranger = await server.user('agent');
    expect((await api('GET', `/api/chats/${chatId}/notes`, stranger.token)).status).toBe(404);
    await api('POST', `/api/chats/${chatId}/messages`, agent.token, { id: 'after-note', text: '好的' });
    await memberWs.next((f) => f.type === 'message' && f.message.text === '好的');
    expect(JSON.stringify(memberWs.frames)).not.toContain('備註');
    memberWs.close();
    supWs.close();
  });
});
