/**
 * Staff-only notes about a member's messages (review marks, sentiment scores) reach staff on
 * every path, and the member on none: live frames, resume, and history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startServer, type TestServer } from './helpers/server';
import { RawClient } from './helpers/ws-client';
import { until } from './helpers/wait';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

const MISQUOTE = '師父說《地藏經》云：「地獄不空，誓不成佛」，我好難過，是真的嗎？';

describe('what a member sees of staff notes', () => {
  it('marks and scores reach the agent and supervisor, never the member', async () => {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const supervisor = await server.user('supervisor');
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: '請問' })).body.chat;
    expect((await api(server, 'POST', `/api/chats/${chat.id}/accept`, agent.token)).status).toBe(200);

    const memberWs = await RawClient.connect(server.wsUrl, member.token);
    const agentWs = await RawClient.connect(server.wsUrl, agent.token);
    const supervisorWs = await RawClient.connect(server.wsUrl, supervisor.token);
    const ack = await memberWs.sendMessage(chat.id, MISQUOTE);
    const isIt = (f: any) => f.type === 'message' && f.message.id === ack.messageId;

    const toAgent = await agentWs.next(isIt);
    const toSupervisor = await supervisorWs.next(isIt);
    const toMember = await memberWs.next(isIt);
    expect(toAgent.message.flags.some((f: any) => f.kind === 'unverified_citation')).toBe(true);
    expect(toSupervisor.message.flags.some((f: any) => f.kind === 'unverified_citation')).toBe(true);
    expect(toMember.message.text).toBe(MISQUOTE);
    expect(toMember.message).not.toHaveProperty('flags');

    // The analysis worker scores it; staff history shows the score, the member's does not.
    const staffView = await until(async () => {
      const m = (await api(server, 'GET', `/api/chats/${chat.id}/messages`, agent.token)).body.messages.find((x: any) => x.id === ack.messageId);
      return typeof m?.sentimentScore === 'number' ? m : null;
    });
    expect(typeof staffView.sentimentScore).toBe('number');
    expect(staffView.flags.length).toBeGreaterThan(0);
    const memberView = (await api(server, 'GET', `/api/chats/${chat.id}/messages`, member.token)).body.messages.find((m: any) => m.id === ack.messageId);
    expect(memberView.text).toBe(MISQUOTE);
    expect(memberView).not.toHaveProperty('flags');
    expect(memberView).not.toHaveProperty('sentimentScore');

    // Resume replays from the database: the member's view again, the agent's full one.
    const memberAgain = await RawClient.connect(server.wsUrl, member.token, { resume: { [chat.id]: 0 } });
    const agentAgain = await RawClient.connect(server.wsUrl, agent.token, { resume: { [chat.id]: 0 } });
    const replayedToMember = await memberAgain.next(isIt);
    const replayedToAgent = await agentAgain.next(isIt);
    expect(replayedToMember.message).not.toHaveProperty('flags');
    expect(replayedToMember.message).not.toHaveProperty('sentimentScore');
    expect(replayedToAgent.message.flags.length).toBeGreaterThan(0);

    for (const ws of [memberWs, agentWs, supervisorWs, memberAgain, agentAgain]) ws.close();
  });

  it('the desk\'s distress mark, urgency and transfer notes stay with staff', async () => {
    const member = await server.user('member');
    const agent = await server.user('agent');
    const supervisor = await server.user('supervisor');
    const chat = (await api(server, 'POST', '/api/chats', member.token, { topic: '心情' })).body.chat;
    const memberWs = await RawClient.connect(server.wsUrl, member.token);
    const supervisorWs = await RawClient.connect(server.wsUrl, supervisor.token);
    expect((await api(server, 'POST', `/api/chats/${chat.id}/messages`, member.token, { id: 'd1', text: '我真的不想活了' })).status).toBe(201);

    // Staff learn of it; the chat frames the member receives never carry it.
    const marked = await supervisorWs.next((f) => f.type === 'chat' && f.chat.id === chat.id && f.chat.distress === true, 10_000);
    expect(marked.chat.urgency).toBe(1);
    const asStaff = (await api(server, 'GET', `/api/chats/${chat.id}`, supervisor.token)).body.chat;
    expect(asStaff.distress).toBe(true);
    const asMember = (await api(server, 'GET', `/api/chats/${chat.id}`, member.token)).body.chat;
    expect(asMember).not.toHaveProperty('distress');
    expect(asMember).not.toHaveProperty('urgency');
    expect(asMember.queuePosition).toBeGreaterThanOrEqual(1); // what the member needs is still there
    const listed = (await api(server, 'GET', '/api/chats', member.token)).body.chats.find((c: any) => c.id === chat.id);
    expect(listed).not.toHaveProperty('distress');

    expect((await api(server, 'POST', `/api/chats/${chat.id}/accept`, agent.token)).status).toBe(200);
    const note = '會員情緒低落，請溫和回應';
    expect((await api(server, 'POST', `/api/chats/${chat.id}/transfer`, agent.token, { to: 'queue', note })).status).toBe(200);
    const noted = await supervisorWs.next((f) => f.type === 'chat' && f.chat.id === chat.id && f.chat.note === note);
    expect(noted.chat.status).toBe('pending');
    // The member's own frame of the transfer (pending again after open): every chat frame before it is here too.
    await until(() => {
      const statuses = memberWs.frames.filter((f: any) => f.type === 'chat' && f.chat.id === chat.id).map((f: any) => f.chat.status);
      return statuses.lastIndexOf('pending') > statuses.indexOf('open') && statuses.includes('open');
    });
    const memberChatFrames = memberWs.frames.filter((f: any) => f.type === 'chat' && f.chat.id === chat.id);
    expect(memberChatFrames.length).toBeGreaterThan(0);
    for (const f of memberChatFrames) {
      expect(f.chat).not.toHaveProperty('distress');
      expect(f.chat).not.toHaveProperty('urgency');
      expect(f.chat).not.toHaveProperty('note');
    }
    expect((await api(server, 'GET', `/api/chats/${chat.id}`, member.token)).body.chat).not.toHaveProperty('note');
    memberWs.close();
    supervisorWs.close();
  });
});
