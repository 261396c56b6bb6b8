/**
 * Staff-only notes about a member's messages (review marks, sentiment scores) reach staff on
 * every path, and the member on none: live frames, resume, and history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startServer, type TestServer } from './helpers/server';
import { RawClient } from './helpers/ws-client';

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
    const end = Date.now() + 10_000;
    let staffView: any;
    while (Date.now() < end) {
      staffView = (await api(server, 'GET', `/api/chats/${chat.id}/messages`, agent.token)).body.messages.find((m: any) => m.id === ack.messageId);
      if (typeof staffView?.sentimentScore === 'number') break;
      await new Promise((r) => setTimeout(r, 100));
    }
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
});
