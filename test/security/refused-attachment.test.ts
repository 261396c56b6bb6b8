/**
 * Security review, finding 5: an attachment is bound to a chat only by the message that stores
 * it. A message refused by a content check (the filter, the citation check) or at commit (a chat
 * closed meanwhile) leaves its attachment unsent: the other party cannot download it, and its
 * owner can still send it in a later, accepted message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttachmentDto } from '../../src/shared/protocol';
import { writeBatchAtOnce } from '../../src/server/chat/batch-statement';
import { writeBatch, type AppendItem, type Outcome } from '../../src/server/chat/message-store';
import { api, startServer, type TestServer } from '../helpers/server';
import { RawClient } from '../helpers/ws-client';

let server: TestServer;

// Both engines the product runs on: PostgreSQL when the tests have one, and the embedded PGlite.
const BACKENDS = process.env.TEST_DATABASE_URL ? ['postgres', 'pglite'] : ['pglite'];

/** Uploads a small UTF-8 text file and returns its attachment object. */
async function upload(token: string, name = '經文.txt') {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('南無阿彌陀佛\n')], { type: 'text/plain' }), name);
  const res = await fetch(`${server.url}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as any).attachment as AttachmentDto;
}

/** The status of downloading `url` as the holder of `token`. */
const download = async (url: string, token: string) => (await fetch(server.url + url, { headers: { authorization: `Bearer ${token}` } })).status;

/** A member's open chat held by a fresh agent. */
async function openChat() {
  const member = await server.user('member');
  const agent = await server.user('agent');
  const chatId = (await api(server, 'POST', '/api/chats', member.token, { topic: '附件' })).body.chat.id as string;
  expect((await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token)).status).toBe(200);
  return { member, agent, chatId };
}

let n = 0;
const send = (token: string, chatId: string, text: string, attachments: string[]) =>
  api(server, 'POST', `/api/chats/${chatId}/messages`, token, { id: `ra${++n}`, text, attachments });

describe.each(BACKENDS)('%s', (kind) => {
  beforeAll(async () => {
    server = await startServer({ pglite: kind === 'pglite' });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  describe(`a refused message does not share its attachment`, () => {
    it('filtered (forbidden_content): the agent cannot fetch it; sent again in an accepted message, it can', async () => {
      const { member, agent, chatId } = await openChat();
      const file = await upload(member.token);
      const refused = await send(member.token, chatId, '代開發票，便宜', [file.id]);
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('forbidden_content');
      expect(await download(file.url, agent.token)).toBe(404);
      expect(await download(file.url, member.token)).toBe(200);

      const accepted = await send(member.token, chatId, '請看附件', [file.id]);
      expect(accepted.status).toBe(201);
      expect(await download(file.url, agent.token)).toBe(200);
      const history = (await api(server, 'GET', `/api/chats/${chatId}/messages`, agent.token)).body.messages as any[];
      expect(history.find((m) => m.id === accepted.body.messageId).attachments.map((a: any) => a.id)).toEqual([file.id]);
      // The refused message took no seq and is not in the history.
      expect(history.filter((m) => m.kind === 'text').map((m) => m.text)).toEqual(['請看附件']);
    });

    it('over WebSocket too: a refused send leaves the file unsent', async () => {
      const { member, agent, chatId } = await openChat();
      const file = await upload(member.token);
      const ws = await RawClient.connect(server.wsUrl, member.token);
      try {
        ws.send({ type: 'send', id: 'w1', chatId, text: '代 開 發 票', attachments: [file.id] });
        expect((await ws.next((f) => f.type === 'error' && f.id === 'w1')).code).toBe('forbidden_content');
        expect(await download(file.url, agent.token)).toBe(404);
        ws.send({ type: 'send', id: 'w2', chatId, text: '附件', attachments: [file.id] });
        await ws.next((f) => f.type === 'ack' && f.id === 'w2');
        expect(await download(file.url, agent.token)).toBe(200);
      } finally {
        ws.ws.close();
      }
    });

    it('misquoted (unverified_citation): the member cannot fetch the agent\'s file; it can go to another chat later', async () => {
      const { member, agent, chatId } = await openChat();
      const file = await upload(agent.token, '開示.txt');
      const refused = await send(agent.token, chatId, '《地藏經》云：「地獄不空，誓不成佛」', [file.id]);
      expect(refused.body.error.code).toBe('unverified_citation');
      expect(await download(file.url, member.token)).toBe(404);
      // Still the agent's unsent file: it may be sent in any chat the agent holds.
      const other = await server.user('member');
      const otherChat = (await api(server, 'POST', '/api/chats', other.token, { topic: '附件' })).body.chat.id as string;
      expect((await api(server, 'POST', `/api/chats/${otherChat}/accept`, agent.token)).status).toBe(200);
      expect((await send(agent.token, otherChat, '請參考', [file.id])).status).toBe(201);
      expect(await download(file.url, other.token)).toBe(200);
      expect(await download(file.url, member.token)).toBe(404);
    });

    it('refused at commit (the chat closed after the checks): the file stays unsent', async () => {
      const { member, agent, chatId } = await openChat();
      const file = await upload(member.token);
      const user = (await server.desk.users.byId(member.id))!;
      const prepared = await server.desk.pipeline.prepare(user, { chatId, clientId: 'late', text: '附件', attachmentIds: [file.id] });
      expect((await api(server, 'POST', `/api/chats/${chatId}/close`, agent.token)).status).toBe(200);
      await expect(server.desk.pipeline.commit(prepared)).rejects.toMatchObject({ code: 'chat_closed' });
      expect(await download(file.url, agent.token)).toBe(404);
      const row = await server.desk.database.db.selectFrom('attachments').select('chat_id').where('id', '=', file.id).executeTakeFirstOrThrow();
      expect(row.chat_id).toBeNull();
    });
  });

  /** A member's text message with attachments, as the pipeline hands it to the store. */
  const item = (chatId: string, senderId: string, text: string, attachments: AttachmentDto[]): AppendItem => ({
    chatId, senderId, senderRole: 'member', senderName: '居士', kind: 'text', text, clientId: `b${++n}`, attachments, flags: [], requireOpen: true,
  });
  const boundTo = async (id: string) =>
    (await server.desk.database.db.selectFrom('attachments').select('chat_id').where('id', '=', id).executeTakeFirstOrThrow()).chat_id;
  const errorOf = (o: Outcome) => (o.ok ? null : { code: (o.error as any).code, details: (o.error as any).details });

  describe(`the group commit binds attachments with their messages`, () => {
    const writers = {
      'the one-statement form': (items: AppendItem[]) => writeBatchAtOnce(server.desk.database.db, items, server.desk.database.prepared),
      'the careful transaction': (items: AppendItem[]) => server.desk.database.db.transaction().execute((trx) => writeBatch(trx, items)),
    };
    for (const [name, write] of Object.entries(writers)) {
      it(`${name}: binds accepted messages' files, refuses a file that is not the sender's to send, numbers without gaps`, async () => {
        const a = await openChat();
        const b = await openChat();
        const [fa1, fa2, fa4, fb] = [await upload(a.member.token), await upload(a.member.token), await upload(a.member.token), await upload(b.member.token)];

        const first = await write([item(a.chatId, a.member.id, '一', [fa1]), item(b.chatId, b.member.id, '二', [fb])]);
        expect(first).not.toBeNull();
        expect(first!.map(errorOf)).toEqual([null, null]);
        expect(await boundTo(fa1.id)).toBe(a.chatId);
        expect(await boundTo(fb.id)).toBe(b.chatId);

        const second = await write([
          item(a.chatId, a.member.id, '三', [fa2, fa1]), // fa1 is already in this chat: fine
          item(b.chatId, b.member.id, '四', [fa4]), // not b's own
          item(a.chatId, a.member.id, '五', [fb]), // b's, and in another chat
          item(b.chatId, b.member.id, '六', []),
        ]);
        expect(second).not.toBeNull();
        expect(second!.map(errorOf)).toEqual([
          null,
          { code: 'invalid', details: { field: 'attachments', unknown: [fa4.id] } },
          { code: 'invalid', details: { field: 'attachments', unknown: [fb.id] } },
          null,
        ]);
        expect(await boundTo(fa2.id)).toBe(a.chatId);
        expect(await boundTo(fa4.id)).toBeNull();
        expect(await boundTo(fb.id)).toBe(b.chatId);
        const seqs = (o: Outcome | undefined) => (o?.ok ? o.result.message.seq : null);
        expect(seqs(second![0])).toBe(seqs(first![0])! + 1);
        expect(seqs(second![3])).toBe(seqs(first![1])! + 1);

        // A refused message binds none of its files, not even the ones it could send.
        const fa3 = await upload(a.member.token);
        const third = await write([item(a.chatId, a.member.id, '七', [fa3, fb])]);
        expect(third!.map(errorOf)).toEqual([{ code: 'invalid', details: { field: 'attachments', unknown: [fb.id] } }]);
        expect(await boundTo(fa3.id)).toBeNull();
      });
    }

    it('one file in two messages of a batch: the careful transaction gives it to the first only', async () => {
      const a = await openChat();
      const file = await upload(a.agent.token);
      const other = await server.user('member');
      const otherChat = (await api(server, 'POST', '/api/chats', other.token, { topic: '附件' })).body.chat.id as string;
      expect((await api(server, 'POST', `/api/chats/${otherChat}/accept`, a.agent.token)).status).toBe(200);
      const agentItem = (chatId: string) => ({ ...item(chatId, a.agent.id, '附件', [file]), senderRole: 'agent' });
      expect(await writeBatchAtOnce(server.desk.database.db, [agentItem(a.chatId), agentItem(otherChat)], server.desk.database.prepared)).toBeNull();
      const outcomes = await server.desk.database.db.transaction().execute((trx) => writeBatch(trx, [agentItem(a.chatId), agentItem(otherChat)]));
      expect(outcomes.map(errorOf)).toEqual([null, { code: 'invalid', details: { field: 'attachments', unknown: [file.id] } }]);
      expect(await boundTo(file.id)).toBe(a.chatId);
    });

    it('sent to two chats at once over HTTP: one message carries it, the other is refused', async () => {
      const a = await openChat();
      const file = await upload(a.agent.token);
      const other = await server.user('member');
      const otherChat = (await api(server, 'POST', '/api/chats', other.token, { topic: '附件' })).body.chat.id as string;
      expect((await api(server, 'POST', `/api/chats/${otherChat}/accept`, a.agent.token)).status).toBe(200);
      const sent = await Promise.all([send(a.agent.token, a.chatId, '甲', [file.id]), send(a.agent.token, otherChat, '乙', [file.id])]);
      expect(sent.map((r) => r.status).sort()).toEqual([201, 400]);
      const winner = sent[0].status === 201 ? a.chatId : otherChat;
      expect(await boundTo(file.id)).toBe(winner);
      expect(await download(file.url, a.member.token)).toBe(winner === a.chatId ? 200 : 404);
      expect(await download(file.url, other.token)).toBe(winner === otherChat ? 200 : 404);
    });
  });
});
