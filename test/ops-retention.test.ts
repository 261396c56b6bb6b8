/**
 * Retention: with LOTUSDESK_RETENTION_DAYS set, the `ops.retention` job purges closed chats older
 * than that (with their messages) and keeps everything else; unset, it keeps everything. Bad
 * values stop the server at start.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
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

  it('deletes the attachment files of purged chats from disk, and keeps those of kept chats', async () => {
    const server = await startServer({ env: { LOTUSDESK_RETENTION_DAYS: '30' } });
    try {
      const uploadImage = async (token: string) => {
        const form = new FormData();
        const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 120, b: 40 } } }).png().toBuffer();
        form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), '念珠.png');
        const res = await fetch(`${server.url}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
        expect(res.status).toBe(201);
        return ((await res.json()) as { attachment: { id: string } }).attachment.id;
      };
      const chatWithImage = async () => {
        const m = await server.user('member');
        const chat = (await api(server, 'POST', '/api/chats', m.token, { topic: '念珠' })).body.chat;
        const id = await uploadImage(m.token);
        expect((await api(server, 'POST', `/api/chats/${chat.id}/messages`, m.token, { id: 'img', text: '照片', attachments: [id] })).status).toBe(201);
        expect((await api(server, 'POST', `/api/chats/${chat.id}/close`, m.token)).status).toBe(200);
        return { chatId: chat.id as string, attachmentId: id };
      };
      const db = server.desk.database.db;
      const filesOf = async (attachmentId: string) => {
        const row = await db.selectFrom('attachments').select(['storage_key', 'thumbnail_key']).where('id', '=', attachmentId).executeTakeFirstOrThrow();
        return [row.storage_key, row.thumbnail_key].filter((k): k is string => !!k).map((k) => join(server.desk.config.uploads.dir, k));
      };
      const old = await chatWithImage();
      const kept = await chatWithImage();
      const oldFiles = await filesOf(old.attachmentId);
      const keptFiles = await filesOf(kept.attachmentId);
      expect(oldFiles).toHaveLength(2); // the image and its thumbnail
      for (const f of [...oldFiles, ...keptFiles]) expect(existsSync(f), f).toBe(true);
      await ageClosed(server, old.chatId, 31);

      const r = await server.desk.ops.retention.purge();
      expect(r.chats).toBe(1);
      for (const f of oldFiles) expect(existsSync(f), f).toBe(false);
      for (const f of keptFiles) expect(existsSync(f), f).toBe(true);
      expect(await db.selectFrom('attachments').select('id').where('id', '=', old.attachmentId).executeTakeFirst()).toBeUndefined();
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
