/**
 * Uploads against a real server: sniffing by bytes, the size limit, metadata stripping and
 * thumbnails, safe names and headers, who may download, and attachments travelling in messages.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { loadConfig } from '../src/server/config/config';
import { AppError } from '../src/server/core/errors';
import { UploadStorage } from '../src/server/uploads/storage';
import { UploadService } from '../src/server/uploads/upload-service';
import { api, backend, startServer, type TestServer } from './helpers/server';
import { RawClient } from './helpers/ws-client';

const LIMIT = 256 * 1024;
let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { LOTUSDESK_UPLOAD_MAX_BYTES: String(LIMIT) } });
});
afterAll(async () => {
  await server?.stop();
});

/** Uploads bytes as multipart field `file` (or another field name). */
async function upload(token: string | null, bytes: Uint8Array, name: string, opts: { field?: string; type?: string; lang?: string } = {}) {
  const form = new FormData();
  form.append(opts.field ?? 'file', new Blob([new Uint8Array(bytes)], { type: opts.type ?? 'application/octet-stream' }), name);
  const res = await fetch(`${server.url}/api/uploads`, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(opts.lang ? { 'accept-language': opts.lang } : {}) },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** GETs a path and returns status, headers and the raw bytes. */
async function download(path: string, token?: string) {
  const res = await fetch(server.url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Every file under the upload directory, relative to it (temp files included). */
function storedFiles(): string[] {
  const root = server.desk.config.uploads.dir;
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p.slice(root.length + 1));
    }
  };
  walk(root);
  return out.sort();
}

const png = (w = 800, h = 600) => sharp({ create: { width: w, height: h, channels: 3, background: { r: 200, g: 120, b: 40 } } }).png().toBuffer();
const MINIMAL_PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/** A member's open chat with an agent. */
async function openChat() {
  const member = await server.user('member');
  const agent = await server.user('agent');
  const chatId = (await api(server, 'POST', '/api/chats', member.token, { topic: '法器' })).body.chat.id as string;
  expect((await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token)).status).toBe(200);
  return { member, agent, chatId };
}

describe(`uploads (${backend})`, () => {
  it('a real PNG is stored under a generated name with a thumbnail, and served inline with safe headers', async () => {
    const member = await server.user('member');
    const before = storedFiles();
    const res = await upload(member.token, await png(), '蓮花.png', { type: 'text/html' });
    expect(res.status).toBe(201);
    const a = res.body.attachment;
    expect(a).toMatchObject({ name: '蓮花.png', mime: 'image/png', url: `/api/uploads/${a.id}`, thumbnailUrl: `/api/uploads/${a.id}/thumbnail` });
    expect(a.size).toBeGreaterThan(0);
    const added = storedFiles().filter((f) => !before.includes(f));
    expect(added).toEqual([`${a.id.slice(0, 2)}/${a.id}`, `${a.id.slice(0, 2)}/${a.id}.thumb`]);

    const file = await download(a.url, member.token);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('cache-control')).toMatch(/^private/);
    expect(file.headers.get('content-disposition')).toMatch(/^inline; /);
    expect(Number(file.headers.get('content-length'))).toBe(a.size);
    expect((await sharp(file.bytes).metadata()).format).toBe('png');

    const thumb = await download(a.thumbnailUrl, member.token);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const tm = await sharp(thumb.bytes).metadata();
    expect(tm.format).toBe('webp');
    expect(Math.max(tm.width!, tm.height!)).toBe(320);
    // ?download=1 turns an image into a download.
    expect((await download(`${a.url}?download=1`, member.token)).headers.get('content-disposition')).toMatch(/^attachment; /);
  });

  it('EXIF is stripped and the orientation applied to the pixels', async () => {
    const member = await server.user('member');
    const jpeg = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#a33' } })
      .jpeg()
      .withMetadata({ orientation: 6, exif: { IFD0: { Copyright: 'secret-owner', ImageDescription: 'home address' }, IFD3: { GPSLatitudeRef: 'N' } } })
      .toBuffer();
    const original = await sharp(jpeg).metadata();
    expect(original.exif).toBeDefined();
    expect(original.exif!.includes(Buffer.from('secret-owner'))).toBe(true);
    expect(original.orientation).toBe(6);

    const res = await upload(member.token, jpeg, 'photo.jpeg');
    expect(res.status).toBe(201);
    expect(res.body.attachment.mime).toBe('image/jpeg');
    const a = res.body.attachment;
    const stored = readFileSync(join(server.desk.config.uploads.dir, a.id.slice(0, 2), a.id));
    const meta = await sharp(stored).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(stored.includes(Buffer.from('secret-owner'))).toBe(false);
    expect(stored.includes(Buffer.from('Exif'))).toBe(false);
    expect([meta.width, meta.height]).toEqual([200, 400]); // rotated upright
  });

  it('animated GIF and WebP keep their frames; a pixel bomb is refused before decoding', async () => {
    const member = await server.user('member');
    const frame = (background: string) => sharp({ create: { width: 40, height: 30, channels: 3, background } }).png().toBuffer();
    const frames = [await frame('#f00'), await frame('#00f'), await frame('#0f0')];
    for (const [format, name] of [['gif', 'wave.gif'], ['webp', 'wave.webp']] as const) {
      const bytes = await sharp(frames, { join: { animated: true } }).toFormat(format).toBuffer();
      const res = await upload(member.token, bytes, name);
      expect(res.status).toBe(201);
      expect(res.body.attachment.mime).toBe(`image/${format}`);
      const stored = await download(res.body.attachment.url, member.token);
      expect(await sharp(stored.bytes, { animated: true }).metadata()).toMatchObject({ format, pages: 3, width: 40, pageHeight: 30 });
      const thumb = await sharp((await download(res.body.attachment.thumbnailUrl, member.token)).bytes).metadata();
      expect(thumb).toMatchObject({ format: 'webp', width: 40, height: 30 });
    }
    // A 1×1 PNG whose header claims 20000×20000 pixels.
    const tiny = Buffer.from(await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer());
    tiny.writeUInt32BE(20000, 16);
    tiny.writeUInt32BE(20000, 20);
    tiny.writeUInt32BE(zlib.crc32(tiny.subarray(12, 29)), 29);
    const before = storedFiles();
    const bomb = await upload(member.token, tiny, 'bomb.png', { lang: 'zh-CN' });
    expect(bomb).toMatchObject({ status: 400, body: { error: { code: 'invalid', details: { reason: 'image_too_large' }, message: '图片分辨率过高（上限约 4000 万像素）。' } } });
    expect(storedFiles()).toEqual(before);
  });

  it('an executable named .png is refused, whatever it claims, and nothing is kept', async () => {
    const member = await server.user('member');
    const before = storedFiles();
    const elf = readFileSync('/bin/ls').subarray(0, 200 * 1024);
    const pe = Buffer.alloc(1024);
    pe.write('MZ', 0, 'latin1');
    pe.writeUInt32LE(0x80, 0x3c);
    pe.write('PE\0\0', 0x80, 'latin1');
    for (const bytes of [elf, pe]) {
      const res = await upload(member.token, bytes, 'cute-cat.png', { type: 'image/png' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid');
      expect(res.body.error.details).toMatchObject({ field: 'file', reason: 'type_not_allowed' });
      expect(res.body.error.details.detected).toMatch(/elf|msdownload|executable|portable/i);
      expect(res.body.error.message).toMatch(/不支援此檔案類型/);
    }
    // Bytes that match no signature are not text either when they hold NULs or invalid UTF-8.
    const bin = await upload(member.token, Buffer.from([0x01, 0x02, 0x00, 0x03, 0xff]), 'notes.txt', { lang: 'en' });
    expect(bin.body.error).toMatchObject({ code: 'invalid', details: { reason: 'not_utf8_text' }, message: 'Text files must be UTF-8 encoded.' });
    const big5 = await upload(member.token, Buffer.from([0xbd, 0xac, 0xa4, 0xdf]), 'big5.txt');
    expect(big5.body.error.details.reason).toBe('not_utf8_text');
    const named = await upload(member.token, Buffer.from('just words'), 'script.sh');
    expect(named.body.error.details.reason).toBe('unknown_type');
    const zip = await upload(member.token, Buffer.from('PK\x03\x04\x14\x00\x00\x00\x00\x00' + 'x'.repeat(100), 'latin1'), 'a.docx');
    expect(zip.body.error.details.reason).toBe('type_not_allowed');
    const empty = await upload(member.token, new Uint8Array(0), 'empty.txt');
    expect(empty.body.error.details.reason).toBe('empty');
    // A PNG signature on bytes that do not decode.
    const fake = Buffer.concat([(await png(10, 10)).subarray(0, 40), Buffer.alloc(200, 7)]);
    const broken = await upload(member.token, fake, 'broken.png');
    expect(broken.body.error).toMatchObject({ code: 'invalid', details: { reason: 'unreadable_image' } });
    expect(storedFiles()).toEqual(before);
  });

  it('a file over the limit is refused with 413 too_large and leaves no file on disk; exactly the limit passes', async () => {
    const member = await server.user('member');
    const before = storedFiles();
    // Big enough that most of it is still unread when the refusal goes out: the rest must be
    // drained, or the next request on the same keep-alive connection hangs behind it.
    const over = await upload(member.token, Buffer.alloc(LIMIT * 16, 'a'), 'big.txt', { lang: 'zh-TW' });
    expect(over.status).toBe(413);
    expect(over.body.error).toMatchObject({ code: 'too_large', details: { field: 'file', max: LIMIT } });
    expect(over.body.error.message).toBe('檔案超過上限 256 KB，未上傳。');
    const justOver = await upload(member.token, Buffer.alloc(LIMIT + 1, 'a'), 'big.txt', { lang: 'en' });
    expect(justOver.status).toBe(413);
    expect(justOver.body.error.message).toMatch(/larger than the 256 KB limit/);
    expect(storedFiles()).toEqual(before);
    const exact = await upload(member.token, Buffer.alloc(LIMIT, 'a'), 'exact.txt');
    expect(exact.status).toBe(201);
    expect(exact.body.attachment).toMatchObject({ size: LIMIT, mime: 'text/plain', thumbnailUrl: null });
    // The server is fine afterwards.
    expect((await api(server, 'GET', '/healthz')).status).toBe(200);
  });

  it('after a refusal the keep-alive connection still serves the next request', async () => {
    const member = await server.user('member');
    const boundary = 'lotusBoundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n`),
      Buffer.alloc(LIMIT * 2, 'a'),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const { port } = new URL(server.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let received = '';
    socket.on('data', (d) => (received += d.toString('latin1')));
    // Both requests on one connection, the second right behind the refused body.
    socket.write(`POST /api/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${member.token}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const until = Date.now() + 5000;
    while (!received.includes('{"status":"ok"}') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    socket.destroy();
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(received).toContain('"too_large"');
    expect(received).toContain('{"status":"ok"}');
  });

  it('a name with ../ and control characters is stored under a generated name and served sanitized', async () => {
    const member = await server.user('member');
    const before = storedFiles();
    const res = await upload(member.token, Buffer.from('南無阿彌陀佛\n'), '../../etc/\u202Eevil\u0007 <name>?.txt');
    expect(res.status).toBe(201);
    const a = res.body.attachment;
    expect(a.name).toBe('evil _name__.txt');
    expect(a.mime).toBe('text/plain');
    expect(storedFiles().filter((f) => !before.includes(f))).toEqual([`${a.id.slice(0, 2)}/${a.id}`]);
    const file = await download(a.url, member.token);
    expect(file.bytes.toString('utf8')).toBe('南無阿彌陀佛\n');
    expect(file.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="evil _name__.txt"; filename*=UTF-8''evil%20_name__.txt`);
    // The wrong extension for the bytes is corrected, so the saved file opens as what it is.
    const pdf = await upload(member.token, MINIMAL_PDF, 'invoice.exe');
    expect(pdf.body.attachment).toMatchObject({ name: 'invoice.exe.pdf', mime: 'application/pdf' });
  });

  it('a Chinese file name gets an RFC 5987 Content-Disposition; documents download as attachments', async () => {
    const member = await server.user('member');
    const res = await upload(member.token, MINIMAL_PDF, '蓮心法語 2026.pdf');
    expect(res.status).toBe(201);
    const a = res.body.attachment;
    expect(a).toMatchObject({ name: '蓮心法語 2026.pdf', mime: 'application/pdf', thumbnailUrl: null });
    const file = await download(a.url, member.token);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    const cd = file.headers.get('content-disposition')!;
    expect(cd).toBe(`attachment; filename="____ 2026.pdf"; filename*=UTF-8''${encodeURIComponent('蓮心法語 2026.pdf')}`);
    expect(decodeURIComponent(cd.split("UTF-8''")[1])).toBe('蓮心法語 2026.pdf');
    expect(file.bytes.equals(MINIMAL_PDF)).toBe(true);
    expect((await download(`${a.url}/thumbnail`, member.token)).status).toBe(404);
  });

  it('refuses requests without a token, without multipart, or without the file field', async () => {
    const member = await server.user('member');
    expect((await upload(null, Buffer.from('x'), 'a.txt')).status).toBe(401);
    const json = await api(server, 'POST', '/api/uploads', member.token, { file: 'x' });
    expect(json).toMatchObject({ status: 400, body: { error: { code: 'invalid', details: { reason: 'no_file' } } } });
    const wrongField = await upload(member.token, Buffer.from('x'), 'a.txt', { field: 'attachment' });
    expect(wrongField).toMatchObject({ status: 400, body: { error: { code: 'invalid', details: { reason: 'no_file' } } } });
    // Malformed multipart: no boundary, and a body that ends inside the file part.
    const raw = (contentType: string, body: string) =>
      fetch(`${server.url}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${member.token}`, 'content-type': contentType }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const noBoundary = await raw('multipart/form-data', 'abc');
    expect(noBoundary).toMatchObject({ status: 400, body: { error: { code: 'invalid', details: { reason: 'malformed_multipart' } } } });
    const before = storedFiles();
    const cut = await raw('multipart/form-data; boundary=XX', '--XX\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello');
    expect(cut).toMatchObject({ status: 400, body: { error: { code: 'invalid', details: { reason: 'malformed_multipart' } } } });
    expect(storedFiles()).toEqual(before);
    expect((await api(server, 'GET', '/healthz')).status).toBe(200);
    expect((await download('/api/uploads/not-a-uuid', member.token)).status).toBe(404);
    expect((await download(`/api/uploads/${crypto.randomUUID()}`, member.token)).status).toBe(404);
    expect((await download(`/api/uploads/${crypto.randomUUID()}`)).status).toBe(401);
  });

  it("another user's attachment id in a WebSocket or HTTP send is refused with invalid", async () => {
    const { member, chatId } = await openChat();
    const stranger = await server.user('member');
    const theirs = (await upload(stranger.token, await png(50, 50), 's.png')).body.attachment.id;
    const http = await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 'x1', text: '看圖', attachments: [theirs] });
    expect(http.status).toBe(400);
    expect(http.body.error).toMatchObject({ code: 'invalid', details: { field: 'attachments', unknown: [theirs] } });
    const ws = await RawClient.connect(server.wsUrl, member.token);
    try {
      const refused = await ws.sendMessage(chatId, '看圖', 'x2', [theirs]);
      expect(refused).toMatchObject({ type: 'error', id: 'x2', code: 'invalid' });
    } finally {
      ws.ws.close();
    }
    // The stranger's upload stays unbound and private: the member still cannot read it.
    expect((await download(`/api/uploads/${theirs}`, member.token)).status).toBe(404);
    expect((await download(`/api/uploads/${theirs}`, stranger.token)).status).toBe(200);
  });

  it('full flow: upload, send, history carries url and thumbnailUrl; the agent downloads with ?token=, outsiders get 404', async () => {
    const { member, agent, chatId } = await openChat();
    const img = (await upload(member.token, await png(), '佛像.png')).body.attachment;
    const doc = (await upload(member.token, MINIMAL_PDF, '收據.pdf')).body.attachment;
    // Before it is sent, nobody else may read it, not even the agent of the chat.
    expect((await download(`${img.url}?token=${encodeURIComponent(agent.token)}`)).status).toBe(404);

    const ws = await RawClient.connect(server.wsUrl, agent.token);
    try {
      const ack = await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 'f1', text: '請看附件', attachments: [img.id, doc.id] });
      expect(ack.status).toBe(201);
      const live = await ws.next((f) => f.type === 'message' && f.message.chatId === chatId && f.message.text === '請看附件');
      expect(live.message.attachments.map((x: any) => x.id)).toEqual([img.id, doc.id]);
    } finally {
      ws.ws.close();
    }
    const history = await api(server, 'GET', `/api/chats/${chatId}/messages`, agent.token);
    const sent = history.body.messages.find((m: any) => m.text === '請看附件');
    expect(sent.attachments).toEqual([
      { id: img.id, name: '佛像.png', mime: 'image/png', size: img.size, url: `/api/uploads/${img.id}`, thumbnailUrl: `/api/uploads/${img.id}/thumbnail` },
      { id: doc.id, name: '收據.pdf', mime: 'application/pdf', size: doc.size, url: `/api/uploads/${doc.id}`, thumbnailUrl: null },
    ]);

    // The agent's <img> cannot send a header: the token rides in the query.
    const viaQuery = await download(`${sent.attachments[0].thumbnailUrl}?token=${encodeURIComponent(agent.token)}`);
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.headers.get('content-type')).toBe('image/webp');
    expect((await download(sent.attachments[1].url, agent.token)).status).toBe(200);
    expect((await download(`${img.url}?token=not-a-jwt`)).status).toBe(401);

    // A member who cannot see the chat, and an agent who does not hold it: 404, as if it did not exist.
    const otherMember = await server.user('member');
    const otherAgent = await server.user('agent');
    for (const outsider of [otherMember, otherAgent]) {
      expect((await download(img.url, outsider.token)).status).toBe(404);
      expect((await download(`${img.thumbnailUrl}?token=${encodeURIComponent(outsider.token)}`)).status).toBe(404);
    }
    // Supervisors see every chat.
    expect((await download(img.url, (await server.user('supervisor')).token)).status).toBe(200);
    // An attachment sent in one chat cannot be re-bound to another.
    const second = await openChat();
    const reuse = await api(server, 'POST', `/api/chats/${second.chatId}/messages`, second.agent.token, { id: 'r1', text: 'x', attachments: [img.id] });
    expect(reuse.body.error.code).toBe('invalid');
  });

  it('unsent uploads are capped per user and swept after a day; sent ones stay', async () => {
    const { member, agent, chatId } = await openChat();
    const sent = (await upload(member.token, Buffer.from('已送出'), 'sent.txt')).body.attachment;
    const unsent = (await upload(member.token, await png(60, 40), 'unsent.png')).body.attachment;
    expect((await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 's1', text: '附件', attachments: [sent.id] })).status).toBe(201);
    const db = server.desk.database.db;
    await db.updateTable('attachments').set({ created_at: new Date(Date.now() - 2 * 86400_000) }).where('id', 'in', [sent.id, unsent.id]).execute();
    const policy = { maxBytes: LIMIT, unsentTtlMs: 86400_000, maxUnsentPerUser: 2 };
    const service = new UploadService(db, server.desk.chats, new UploadStorage(server.desk.config.uploads.dir), policy);
    const before = storedFiles();
    expect(await service.sweepUnsent()).toBe(1);
    expect(before.filter((f) => !storedFiles().includes(f))).toEqual([`${unsent.id.slice(0, 2)}/${unsent.id}`, `${unsent.id.slice(0, 2)}/${unsent.id}.thumb`]);
    expect((await download(unsent.url, member.token)).status).toBe(404);
    expect((await download(sent.url, agent.token)).status).toBe(200);
    expect(await service.sweepUnsent()).toBe(0);

    const user = (await server.desk.users.byId(member.id))!;
    const text = () => Readable.from([Buffer.from('念佛')]);
    await service.accept(user, text(), 'a.txt');
    await service.accept(user, text(), 'b.txt');
    const refused = await service.accept(user, text(), 'c.txt').catch((e) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'rate_limited', details: { reason: 'too_many_unsent', max: 2 } });
    expect(refused.details.retryAfterMs).toBeGreaterThan(86400_000 - 60_000);
    expect(refused.details.retryAfterMs).toBeLessThanOrEqual(86400_000);
  });

  it('the OpenAPI document describes the upload routes', async () => {
    const doc = (await api(server, 'GET', '/api/openapi.json')).body;
    expect(doc.paths['/api/uploads'].post.requestBody.content).toHaveProperty('multipart/form-data');
    expect(doc.paths['/api/uploads/{id}'].get).toBeDefined();
    expect(doc.paths['/api/uploads/{id}/thumbnail'].get).toBeDefined();
  });
});

describe('upload configuration', () => {
  it('LOTUSDESK_UPLOAD_MAX_BYTES and LOTUSDESK_UPLOAD_DIR are validated and defaulted', () => {
    expect(loadConfig({ LOTUSDESK_DATA_DIR: '/srv/ld' }).uploads).toEqual({ dir: '/srv/ld/uploads', maxBytes: 10 * 1024 * 1024 });
    expect(loadConfig({ LOTUSDESK_UPLOAD_DIR: '/mnt/files', LOTUSDESK_UPLOAD_MAX_BYTES: '1000' }).uploads).toEqual({ dir: '/mnt/files', maxBytes: 1000 });
    expect(() => loadConfig({ LOTUSDESK_UPLOAD_MAX_BYTES: '10MB' })).toThrow(/LOTUSDESK_UPLOAD_MAX_BYTES must be a positive integer/);
    expect(() => loadConfig({ LOTUSDESK_UPLOAD_MAX_BYTES: '5000000000' })).toThrow(/LOTUSDESK_UPLOAD_MAX_BYTES: must be at most/);
  });
});
