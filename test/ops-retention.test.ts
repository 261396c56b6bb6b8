/**
 * Retention: with LOTUSDESK_RETENTION_DAYS set, the `ops.retention` job purges closed chats older
 * than that (with their messages) and keeps everything else; unset, it keeps everything. Bad
 * values stop the server at start.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/server/config/config';
import { RetentionService } from '../src/server/ops/retention';
import { api, startServer, type TestServer } from './helpers/server';

async function chatWithMessages(server: TestServer, close: boolean) {
  const m = await server.user('member');
  const chat = (await api(server, 'POST', '/api/chats', m.token, { topic: '法會報名' })).body.chat;
  for (let i = 0; i < 3; i++) expect((await api(server, 'POST', `/api/chats/${chat.id}/messages`, m.token, { id: `r${i}`, text: `報名 ${i}` })).status).toBe(201);
  if (close) expect((await api(server, 'POST', `/api/chats/${chat.id}/close`, m.token)).status).toBe(200);
  return chat.id as string;
}

const ageClosed = (server: TestServer, chatId: string, days: number) =>
  server.desk.database.db.updateTable('chats').set({ closed_at: new Date(Date.now() - days * 86_400_000) }).where('id', '=', chatId).execute();

describe('retention', () => {
  it('the ops.retention job purges closed chats past the retention period, with their messages, and nothing else', async () => {
    const server = await startServer({ env: { LOTUSDESK_RETENTION_DAYS: '30' } });
    try {
      const old = await chatWithMessages(server, true);
      const recent = await chatWithMessages(server, true);
      const open = await chatWithMessages(server, false);
      await ageClosed(server, old, 31);
      await ageClosed(server, recent, 29);
      const db = server.desk.database.db;
      const count = async (chatId: string) => (await db.selectFrom('messages').select('id').where('chat_id', '=', chatId).execute()).length;
      const recentMessages = await count(recent);
      expect(recentMessages).toBeGreaterThanOrEqual(3);
      await server.desk.bus.enqueue('ops.retention', {});
      const end = Date.now() + 10_000;
      while ((await db.selectFrom('chats').select('id').where('id', '=', old).executeTakeFirst()) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      const left = (await db.selectFrom('chats').select('id').where('id', 'in', [old, recent, open]).execute()).map((c) => c.id).sort();
      expect(left).toEqual([recent, open].sort());
      expect(await db.selectFrom('messages').select('id').where('chat_id', '=', old).execute()).toEqual([]);
      expect(await count(recent)).toBe(recentMessages);
      expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/lotusdesk_retention_purged_chats_total 1/);
      // Nothing of a purged chat is served any more (the node may still know the chat's id).
      const page = await api(server, 'GET', `/api/chats/${old}/messages`, await server.token('supervisor'));
      expect(page.status === 404 || page.body.messages.length === 0).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('is off by default: nothing is purged however old', async () => {
    const server = await startServer();
    try {
      const old = await chatWithMessages(server, true);
      await ageClosed(server, old, 3650);
      const service = new RetentionService(server.desk.database.db, server.desk.config.ops.retentionDays);
      expect(service.enabled).toBe(false);
      expect(await service.purge()).toEqual({ chats: 0, messages: 0 });
      expect(await server.desk.database.db.selectFrom('chats').select('id').where('id', '=', old).executeTakeFirst()).toBeTruthy();
    } finally {
      await server.stop();
    }
  });

  it('purges in batches until the backlog is gone and counts what it removed', async () => {
    const server = await startServer();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(await chatWithMessages(server, true));
      for (const id of ids) await ageClosed(server, id, 10);
      const db = server.desk.database.db;
      const messages = (await db.selectFrom('messages').select('id').where('chat_id', 'in', ids).execute()).length;
      expect(messages).toBeGreaterThanOrEqual(9);
      const r = await new RetentionService(db, 7).purge();
      // Reactions may still add a message to a just-closed chat: at least those counted went.
      expect(r.chats).toBe(3);
      expect(r.messages).toBeGreaterThanOrEqual(messages);
      expect(await db.selectFrom('messages').select('id').where('chat_id', 'in', ids).execute()).toEqual([]);
      expect(await db.selectFrom('chats').select('id').where('id', 'in', ids).execute()).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it('rejects bad retention and backup settings at start', () => {
    expect(() => loadConfig({ LOTUSDESK_RETENTION_DAYS: '-1' })).toThrow(/LOTUSDESK_RETENTION_DAYS must be a whole number ≥ 0/);
    expect(() => loadConfig({ LOTUSDESK_RETENTION_DAYS: '1.5' })).toThrow(/LOTUSDESK_RETENTION_DAYS/);
    expect(() => loadConfig({ LOTUSDESK_BACKUP_INTERVAL_HOURS: 'daily' })).toThrow(/LOTUSDESK_BACKUP_INTERVAL_HOURS must be a number ≥ 0/);
    expect(() => loadConfig({ LOTUSDESK_BACKUP_KEEP: '0' })).toThrow(/LOTUSDESK_BACKUP_KEEP must be a positive integer/);
    const c = loadConfig({ LOTUSDESK_DATA_DIR: '/srv/ld', LOTUSDESK_BACKUP_INTERVAL_HOURS: '0.5' });
    expect(c.ops).toEqual({ backupIntervalMs: 1_800_000, backupKeep: 7, backupDir: '/srv/ld/backups', retentionDays: 0 });
  });
});
