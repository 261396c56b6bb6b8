/**
 * Issue 20, trust: the hash-chained audit log and the RFC 9162 transparency log, end to end over
 * HTTP (docs/PROTOCOL.md part 2, "Trust"). Proofs are checked against the independent RFC 9162
 * implementation in ./rfc9162.ts; hashes and signatures are recomputed here with node:crypto.
 */
import { execFile } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, backend, startServer, type TestServer } from '../helpers/server';
import { until } from '../helpers/wait';
import { mth, path, proof, rootFromPath } from './rfc9162';

const run = promisify(execFile);

/** Canonical JSON written again here (keys sorted at every depth, no spaces). */
function canon(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canon(o[k])}`).join(',')}}`;
}
const sha = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

describe(`trust: audit log and transparency log (${backend})`, () => {
  let server: TestServer;
  let dataDir: string;
  const db = () => server.desk.database.db;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lotusdesk-trust-'));
    server = await startServer({ dataDir });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const openChat = async () => {
    const member = await server.user('member');
    const chatId = (await api(server, 'POST', '/api/chats', member.token, { topic: '法會' })).body.chat.id as string;
    return { member, chatId };
  };
  const say = async (token: string, chatId: string, text: string, attachments?: string[]) => {
    const r = await api(server, 'POST', `/api/chats/${chatId}/messages`, token, { id: crypto.randomUUID(), text, ...(attachments ? { attachments } : {}) });
    expect(r.status).toBe(201);
    return r.body.messageId as string;
  };

  describe('audit log', () => {
    it('appends staff actions (accept, note, read of a chat one does not hold, transfer, close) in a chain that recomputes', async () => {
      const admin = await server.user('admin');
      const sup = await server.user('supervisor');
      const agent = await server.user('agent');
      const other = await server.user('agent');
      const { member, chatId } = await openChat();
      await say(member.token, chatId, '請問法會幾點開始？');
      expect((await api(server, 'POST', `/api/chats/${chatId}/accept`, agent.token)).status).toBe(200);
      expect((await api(server, 'POST', `/api/chats/${chatId}/notes`, agent.token, { text: '熟客' })).status).toBe(201);
      // The assignee reading their own chat is not an audited read; a supervisor's is (once per hour).
      expect((await api(server, 'GET', `/api/chats/${chatId}/messages`, agent.token)).status).toBe(200);
      expect((await api(server, 'GET', `/api/chats/${chatId}`, sup.token)).status).toBe(200);
      expect((await api(server, 'GET', `/api/chats/${chatId}/messages`, sup.token)).status).toBe(200);
      expect((await api(server, 'POST', `/api/chats/${chatId}/transfer`, agent.token, { to: other.id })).status).toBe(200);
      expect((await api(server, 'POST', `/api/chats/${chatId}/close`, sup.token)).status).toBe(200);

      const want = ['chat.accept', 'note.create', 'chat.read', 'chat.transfer', 'chat.close'];
      const entries = await until(async () => {
        const r = await api(server, 'GET', `/api/audit?chatId=${chatId}`, admin.token);
        return want.every((a) => r.body.entries.some((e: any) => e.action === a)) ? (r.body.entries as any[]) : null;
      });
      expect(entries.map((e) => e.action)).toEqual(want);
      expect(entries.find((e) => e.action === 'chat.read')).toMatchObject({ actorId: sup.id, actorRole: 'supervisor', target: `chat:${chatId}` });
      expect(entries.find((e) => e.action === 'chat.accept')).toMatchObject({ actorId: agent.id, actorRole: 'agent' });
      expect(entries.find((e) => e.action === 'chat.close')).toMatchObject({ actorId: sup.id, actorRole: 'supervisor' });
      expect(entries.find((e) => e.action === 'chat.transfer').details).toMatchObject({ fromAssigneeId: agent.id, toAssigneeId: other.id });
      // A member closing their own chat is not a staff action.
      const own = await openChat();
      expect((await api(server, 'POST', `/api/chats/${own.chatId}/close`, own.member.token)).status).toBe(200);

      // The whole chain recomputes from the entries, by the contract's formula.
      const all: any[] = [];
      for (;;) {
        const page = (await api(server, 'GET', `/api/audit?after=${all.at(-1)?.seq ?? 0}&limit=500`, admin.token)).body.entries;
        all.push(...page);
        if (page.length < 500) break;
      }
      let prev = '0'.repeat(64);
      all.forEach((e, i) => {
        expect(e.seq).toBe(i + 1);
        expect(e.prevHash).toBe(prev);
        const { hash, ...body } = e;
        expect(sha(`${prev}\n${canon(body)}`)).toBe(hash);
        prev = hash;
      });
      expect((await api(server, 'GET', '/api/audit/head', admin.token)).body).toEqual({ seq: all.length, hash: prev });
      expect((await api(server, 'GET', '/api/audit/verify', admin.token)).body).toMatchObject({ ok: true, checked: all.length });
      expect(all.some((e) => e.target === `chat:${own.chatId}` && e.action === 'chat.close')).toBe(false);
    });

    it('filters by actor, action and dates; refuses bad input with 400 and non-admins with 403', async () => {
      const admin = await server.user('admin');
      const sup = await server.user('supervisor');
      const { chatId } = await openChat();
      const t0 = new Date(Date.now() - 1000).toISOString();
      expect((await api(server, 'GET', `/api/chats/${chatId}`, sup.token)).status).toBe(200);
      const byActor = (await api(server, 'GET', `/api/audit?actorId=${sup.id}`, admin.token)).body.entries;
      expect(byActor).toHaveLength(1);
      expect(byActor[0]).toMatchObject({ action: 'chat.read', actorId: sup.id });
      expect((await api(server, 'GET', `/api/audit?actorId=${sup.id}&action=chat.close`, admin.token)).body.entries).toHaveLength(0);
      expect((await api(server, 'GET', `/api/audit?actorId=${sup.id}&from=${encodeURIComponent(t0)}`, admin.token)).body.entries).toHaveLength(1);
      expect((await api(server, 'GET', `/api/audit?actorId=${sup.id}&to=${encodeURIComponent(t0)}`, admin.token)).body.entries).toHaveLength(0);
      for (const q of ['chatId=nope', 'actorId=1', 'from=yesterday', 'limit=501', 'limit=0', 'after=-1', 'bogus=1']) {
        const r = await api(server, 'GET', `/api/audit?${q}`, admin.token);
        expect(r.status, q).toBe(400);
        expect(r.body.error.code).toBe('invalid');
      }
      expect((await api(server, 'GET', '/api/audit', sup.token)).status).toBe(403);
      expect((await api(server, 'GET', '/api/audit/verify', (await server.user('member')).token)).status).toBe(403);
      expect((await api(server, 'GET', '/api/audit')).status).toBe(401);
    });

    it('is idempotent by key; the database refuses UPDATE, DELETE and TRUNCATE; a bypassed trigger is caught by the chain', async () => {
      const audit = server.desk.trust.audit;
      const input = { key: `test:${crypto.randomUUID()}`, actorId: null, actorRole: 'admin', action: 'test.once', target: null };
      const a = await audit.append(input);
      await server.desk.trust.log.append([{ kind: 'test', subject: null, leaf: '{}' }]);
      await server.desk.trust.log.signHead();
      const b = await audit.append(input);
      expect(b).toEqual(a);
      expect(await db().selectFrom('audit_entries').select('seq').where('action', '=', 'test.once').execute()).toHaveLength(1);

      for (const statement of [
        sql`UPDATE audit_entries SET action = 'x' WHERE seq = ${a.seq}`,
        sql`DELETE FROM audit_entries WHERE seq = ${a.seq}`,
        sql`TRUNCATE audit_entries`,
        sql`DELETE FROM tlog_leaves`,
        sql`UPDATE tlog_heads SET root_hash = 'x'`,
      ]) {
        await expect(statement.execute(db())).rejects.toThrow(/append-only/);
      }

      // Someone with the power to drop the trigger edits an entry: verification names it.
      const admin = await server.user('admin');
      await sql`ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only`.execute(db());
      try {
        await sql`UPDATE audit_entries SET actor_role = 'agent' WHERE seq = ${a.seq}`.execute(db());
      } finally {
        await sql`ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only`.execute(db());
      }
      const check = (await api(server, 'GET', '/api/audit/verify', admin.token)).body;
      expect(check).toMatchObject({ ok: false, broken: { seq: a.seq, reason: 'hash' } });
      await sql`ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only`.execute(db());
      try {
        await sql`UPDATE audit_entries SET actor_role = 'admin' WHERE seq = ${a.seq}`.execute(db());
      } finally {
        await sql`ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only`.execute(db());
      }
      expect((await api(server, 'GET', '/api/audit/verify', admin.token)).body.ok).toBe(true);
    });

    it('exports CSV with formula cells neutralised, and records the export', async () => {
      const admin = await server.user('admin');
      const action = `=HYPERLINK("http://evil")`;
      await server.desk.trust.audit.append({ key: crypto.randomUUID(), actorId: null, actorRole: 'admin', action, target: '@SUM(A1)', details: { note: '+1' } });
      const res = await fetch(`${server.url}/api/audit/export?action=${encodeURIComponent(action)}`, { headers: { authorization: `Bearer ${admin.token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      const csv = await res.text();
      const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines[0]).toBe('seq,at,actor_id,actor_role,action,target,details,prev_hash,hash');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
      expect(lines[1]).toContain(`'@SUM(A1)`);
      expect(lines[1]).not.toMatch(/,[=+\-@]/);
      const exported = await until(async () => (await api(server, 'GET', `/api/audit?actorId=${admin.id}&action=audit.export`, admin.token)).body.entries[0]);
      expect(exported.details.rows).toBe(1);
    });

    it('records supervisors’ changes through routes no event covers (settings)', async () => {
      const admin = await server.user('admin');
      const sup = await server.user('supervisor');
      const agent = await server.user('agent');
      // One reading of the clock: a shift may last at most 24 hours, and two readings a millisecond apart exceed it.
      const now = Date.now();
      const start = new Date(now + 86400_000).toISOString();
      const end = new Date(now + 2 * 86400_000 - 60_000).toISOString();
      expect((await api(server, 'POST', '/api/schedules', sup.token, { userId: agent.id, shiftStart: start, shiftEnd: end })).status).toBe(201);
      const entry = await until(async () => (await api(server, 'GET', `/api/audit?actorId=${sup.id}&action=settings.change`, admin.token)).body.entries[0]);
      expect(entry).toMatchObject({ actorRole: 'supervisor', target: 'route:POST /api/schedules' });
    });
  });

  describe('transparency log', () => {
    it('attests a chat on demand; a direct database edit of a message makes `matches` false', async () => {
      const sup = await server.user('supervisor');
      const agent = await server.user('agent');
      const { member, chatId } = await openChat();
      const form = new FormData();
      form.append('file', new Blob([Buffer.from('收據 #1234\n')], { type: 'text/plain' }), 'receipt.txt');
      const up = await fetch(`${server.url}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${member.token}` }, body: form });
      expect(up.status).toBe(201);
      const attachmentId = ((await up.json()) as any).attachment.id as string;
      await say(member.token, chatId, '我要退貨', [attachmentId]);
      const msgId = await say(member.token, chatId, '訂單編號 A-1');

      expect((await api(server, 'GET', `/api/chats/${chatId}/attestation`, sup.token)).body).toEqual({ entries: [], matches: false });
      expect((await api(server, 'POST', `/api/chats/${chatId}/attest`, agent.token)).status).toBe(403);
      expect((await api(server, 'POST', `/api/chats/${chatId}/attest`, member.token)).status).toBe(404);
      const attested = await api(server, 'POST', `/api/chats/${chatId}/attest`, sup.token);
      expect(attested.status).toBe(201);
      const { index, leafHash, treeSize } = attested.body.entry;
      expect(treeSize).toBe(index + 1);

      // The leaf is the contract's canonical JSON, recomputed here from the rows and the file.
      const leaf = Buffer.from((await api(server, 'GET', `/api/attestation/entries/${index}`, agent.token)).body.leaf, 'base64');
      expect(sha(Buffer.concat([Buffer.from([0]), leaf]))).toBe(leafHash);
      const rows = await db().selectFrom('messages').select(['seq', 'sender_id', 'created_at', 'content', 'attachments']).where('chat_id', '=', chatId).orderBy('seq').execute();
      const expected = canon({
        chatId,
        messages: rows.map((r) => ({
          seq: r.seq, senderId: r.sender_id, createdAt: new Date(r.created_at).toISOString(), textSha256: sha(r.content),
          attachments: (r.attachments as any[]).map(() => sha(Buffer.from('收據 #1234\n'))),
        })),
      });
      expect(leaf.toString('utf8')).toBe(expected);
      expect(rows.some((r) => (r.attachments as any[]).length === 1)).toBe(true);

      const status = (await api(server, 'GET', `/api/chats/${chatId}/attestation`, sup.token)).body;
      expect(status).toMatchObject({ entries: [{ index, leafHash, treeSize }], matches: true });
      expect((await api(server, 'GET', `/api/chats/${chatId}/attestation`, member.token)).status).toBe(404);

      await db().updateTable('messages').set({ content: '訂單編號 A-2' }).where('id', '=', msgId).execute();
      expect((await api(server, 'GET', `/api/chats/${chatId}/attestation`, sup.token)).body.matches).toBe(false);
      await db().updateTable('messages').set({ content: '訂單編號 A-1' }).where('id', '=', msgId).execute();
      expect((await api(server, 'GET', `/api/chats/${chatId}/attestation`, sup.token)).body.matches).toBe(true);
      // The attachment's bytes are part of the leaf too.
      const file = await db().selectFrom('attachments').select('storage_key').where('id', '=', attachmentId).executeTakeFirstOrThrow();
      const filePath = join(server.desk.config.uploads.dir, file.storage_key);
      writeFileSync(filePath, '收據 #9999\n');
      expect((await api(server, 'GET', `/api/chats/${chatId}/attestation`, sup.token)).body.matches).toBe(false);

      const admin = await server.user('admin');
      const audited = await until(async () => (await api(server, 'GET', `/api/audit?actorId=${sup.id}&action=chat.attest`, admin.token)).body.entries[0]);
      expect(audited.details).toMatchObject({ index, leafHash });
    });

    it('attests a chat automatically at close when distress was raised', async () => {
      const sup = await server.user('supervisor');
      const { member, chatId } = await openChat();
      await say(member.token, chatId, '我真的不想活了');
      await until(async () => (await db().selectFrom('chats').select('distress').where('id', '=', chatId).executeTakeFirst())?.distress);
      // Distress brings a caring reply; close after it, so the attested leaf is the whole conversation.
      await until(async () => (await db().selectFrom('messages').select('id').where('chat_id', '=', chatId).where('kind', '=', 'auto_reply').executeTakeFirst()));
      const calm = await openChat();
      await say(calm.member.token, calm.chatId, '請問供燈怎麼登記');
      expect((await api(server, 'POST', `/api/chats/${chatId}/close`, sup.token)).status).toBe(200);
      expect((await api(server, 'POST', `/api/chats/${calm.chatId}/close`, sup.token)).status).toBe(200);
      // The merit line is a job that lands after the close: the chat is attested again with it.
      await until(async () => (await db().selectFrom('merit_ledger').select('id').where('chat_id', '=', chatId).executeTakeFirst()));
      const lastSeq = async () => (await db().selectFrom('chats').select('last_seq').where('id', '=', chatId).executeTakeFirstOrThrow()).last_seq;
      const status = await until(async () => {
        const b = (await api(server, 'GET', `/api/chats/${chatId}/attestation`, sup.token)).body;
        const leaf = b.entries.length ? JSON.parse(Buffer.from((await api(server, 'GET', `/api/attestation/entries/${b.entries.at(-1).index}`, sup.token)).body.leaf, 'base64').toString()) : null;
        return leaf && leaf.messages.length === (await lastSeq()) ? b : null;
      });
      expect(status.entries.length).toBeLessThanOrEqual(2);
      const leaf = Buffer.from((await api(server, 'GET', `/api/attestation/entries/${status.entries.at(-1).index}`, sup.token)).body.leaf, 'base64').toString();
      expect(leaf).toBe(await server.desk.trust.attestations.chatLeaf(chatId));
      expect(status.matches).toBe(true);
      // The calm chat's close ran its listeners too (its audit entry is there), and attested nothing.
      const admin = await server.user('admin');
      await until(async () => (await api(server, 'GET', `/api/audit?chatId=${calm.chatId}&action=chat.close`, admin.token)).body.entries.length);
      expect((await api(server, 'GET', `/api/chats/${calm.chatId}/attestation`, sup.token)).body.entries).toEqual([]);
    });

    it('serves inclusion proofs for every leaf and consistency proofs between signed heads that the RFC 9162 definitions reproduce', async () => {
      const log = server.desk.trust.log;
      const heads: any[] = [];
      const verifyHead = (h: any) => {
        const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(h.publicKey, 'base64').toString('base64url') }, format: 'jwk' });
        return verify(null, Buffer.from(`lotusdesk-sth:v1\n${h.treeSize}\n${h.rootHash}\n${h.timestamp}`), key, Buffer.from(h.signature, 'base64'));
      };
      for (const batch of [1, 2, 5, 1, 13, 8]) {
        const base = await log.size();
        await log.append(Array.from({ length: batch }, (_, i) => ({ kind: 'test', subject: null, leaf: `{"n":${base + i}}` })));
        await log.signHead();
        heads.push((await api(server, 'GET', '/api/attestation/head')).body);
      }
      // Every leaf, in full, from the log (no token for head and proofs; staff for leaves).
      const staff = await server.user('agent');
      const n = heads.at(-1).treeSize;
      const leaves: Buffer[] = [];
      for (let i = 0; i < n; i++) leaves.push(Buffer.from((await api(server, 'GET', `/api/attestation/entries/${i}`, staff.token)).body.leaf, 'base64'));
      for (const h of heads) {
        expect(verifyHead(h)).toBe(true);
        expect(h.rootHash).toBe(mth(leaves.slice(0, h.treeSize)).toString('hex'));
        for (let i = 0; i < h.treeSize; i++) {
          const p = (await api(server, 'GET', `/api/attestation/proof?index=${i}&treeSize=${h.treeSize}`)).body;
          expect(p.auditPath).toEqual(path(i, leaves.slice(0, h.treeSize)).map((x) => x.toString('hex')));
          expect(rootFromPath(i, h.treeSize, leaves[i], p.auditPath.map((x: string) => Buffer.from(x, 'hex'))).toString('hex')).toBe(h.rootHash);
        }
      }
      for (let a = 0; a < heads.length; a++) {
        for (let b = a; b < heads.length; b++) {
          const [m, k] = [heads[a].treeSize, heads[b].treeSize];
          const c = (await api(server, 'GET', `/api/attestation/consistency?first=${m}&second=${k}`)).body;
          expect(c.proof).toEqual(proof(m, leaves.slice(0, k)).map((x) => x.toString('hex')));
        }
      }
      for (const q of ['proof?index=-1', `proof?index=${n}&treeSize=${n}`, `proof?index=0&treeSize=${n + 1}`, 'proof?index=x', 'consistency?first=0&second=1', `consistency?first=2&second=1`, `consistency?first=1&second=${n + 1}`]) {
        const r = await api(server, 'GET', `/api/attestation/${q}`);
        expect(r.status, q).toBe(400);
      }
      // The hourly task attests the audit head, once while it does not move.
      const before = await log.size();
      await server.desk.trust.hourly();
      await server.desk.trust.hourly();
      expect(await log.size()).toBe(before + 1);
      const auditHead = await server.desk.trust.audit.head();
      expect(JSON.parse((await log.leaf(before))!.leaf)).toEqual({ kind: 'audit.head', seq: auditHead.seq, hash: auditHead.hash });
      expect((await log.latestHead())!.treeSize).toBe(before + 1);
    });

    it('a bundle verifies offline with `npm run verify`, and fails after a byte is flipped', async () => {
      const sup = await server.user('supervisor');
      const { member, chatId } = await openChat();
      await say(member.token, chatId, '願以此功德，普及於一切');
      expect((await api(server, 'POST', `/api/chats/${chatId}/attest`, sup.token)).status).toBe(201);
      // More leaves after it: the bundle's head may be newer than the leaf.
      await server.desk.trust.log.append([{ kind: 'test', subject: null, leaf: '{"after":1}' }]);
      const res = await api(server, 'GET', `/api/chats/${chatId}/attestation/bundle`, sup.token);
      expect(res.status).toBe(200);
      const dir = mkdtempSync(join(tmpdir(), 'lotusdesk-bundle-'));
      const good = join(dir, 'bundle.json');
      writeFileSync(good, JSON.stringify(res.body));
      // `npm run verify` once; the same script directly for the rest (npm's start-up adds seconds each).
      const verifyFile = (file: string, ...extra: string[]) =>
        (extra.length === 0 && file === good
          ? run('npm', ['run', '--silent', 'verify', '--', file], { cwd: process.cwd() })
          : run(process.execPath, ['--import', 'tsx', 'scripts/verify.ts', file, ...extra], { cwd: process.cwd() })
        ).then(
          (r) => ({ code: 0, out: r.stdout }),
          (err: { code: number; stdout: string }) => ({ code: err.code, out: err.stdout }),
        );
      const ok = await verifyFile(good);
      expect(ok.out).toContain('VERIFIED');
      expect(ok.code).toBe(0);
      const pinned = await verifyFile(good, '--public-key', server.desk.trust.key.publicKey);
      expect(pinned.code).toBe(0);
      expect((await verifyFile(good, '--public-key', Buffer.alloc(32, 7).toString('base64'))).code).toBe(1);

      // One byte of the leaf (the attested conversation), of the path, of the signature: each fails.
      const flipLeaf = structuredClone(res.body);
      const leaf = Buffer.from(flipLeaf.leaf, 'base64');
      leaf[leaf.length - 5] ^= 0x01;
      flipLeaf.leaf = leaf.toString('base64');
      const flipSig = structuredClone(res.body);
      const sig = Buffer.from(flipSig.head.signature, 'base64');
      sig[3] ^= 0x80;
      flipSig.head.signature = sig.toString('base64');
      const raw = readFileSync(good, 'utf8');
      const at = raw.indexOf(res.body.auditPath[0] ?? res.body.head.rootHash);
      const flipByte = raw.slice(0, at) + (raw[at] === '0' ? '1' : '0') + raw.slice(at + 1);
      for (const [name, content] of [['leaf', JSON.stringify(flipLeaf)], ['signature', JSON.stringify(flipSig)], ['hash', flipByte]] as const) {
        const file = join(dir, `${name}.json`);
        writeFileSync(file, content);
        const r = await verifyFile(file);
        expect(r.code, name).toBe(1);
        expect(r.out, name).toContain('NOT VERIFIED');
      }
    });

    it('keeps the generated signing key in the data directory and publishes it', async () => {
      const pem = readFileSync(join(dataDir, 'attestation-key.pem'), 'utf8');
      expect(pem).toContain('BEGIN PRIVATE KEY');
      const head = (await api(server, 'GET', '/api/attestation/head')).body;
      expect(head.publicKey).toBe(server.desk.trust.key.publicKey);
      const keys = (await api(server, 'GET', '/api/attestation/keys')).body.keys;
      expect(keys).toContainEqual(expect.objectContaining({ publicKey: head.publicKey, current: true }));
    });
  });
});

describe('trust on the embedded database (PGlite)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ pglite: true });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses UPDATE and DELETE by trigger, chains entries, attests and notices an edited message', async () => {
    const db = server.desk.database.db;
    expect(server.desk.database.kind).toBe('pglite');
    // Before any leaf: the signed head of the empty tree (SHA-256 of nothing); later heads extend it.
    const empty = (await api(server, 'GET', '/api/attestation/head')).body;
    expect(empty).toMatchObject({ treeSize: 0, rootHash: createHash('sha256').digest('hex') });
    const sup = await server.user('supervisor');
    const admin = await server.user('admin');
    const member = await server.user('member');
    const chatId = (await api(server, 'POST', '/api/chats', member.token, { topic: 't' })).body.chat.id as string;
    const sent = await api(server, 'POST', `/api/chats/${chatId}/messages`, member.token, { id: 'c1', text: '南無阿彌陀佛' });
    expect((await api(server, 'GET', `/api/chats/${chatId}/messages`, sup.token)).status).toBe(200);
    expect((await api(server, 'POST', `/api/chats/${chatId}/attest`, sup.token)).status).toBe(201);
    const entries = await until(async () => {
      const e = (await api(server, 'GET', `/api/audit?chatId=${chatId}`, admin.token)).body.entries;
      return e.length === 2 ? e : null;
    });
    expect(entries.map((e: any) => e.action)).toEqual(['chat.read', 'chat.attest']);
    expect(entries[1].prevHash).toBe(entries[0].hash);
    expect((await api(server, 'GET', '/api/audit/verify', admin.token)).body).toMatchObject({ ok: true, checked: 2 });
    for (const statement of [sql`UPDATE audit_entries SET action = 'x'`, sql`DELETE FROM audit_entries`, sql`DELETE FROM tlog_nodes`, sql`UPDATE tlog_leaves SET leaf = '{}'`]) {
      await expect(statement.execute(db)).rejects.toThrow(/append-only/);
    }
    expect((await api(server, 'GET', '/api/attestation/head')).body.treeSize).toBe(1);
    expect((await api(server, 'GET', `/api/chats/${chatId}/attestation`, sup.token)).body.matches).toBe(true);
    await db.updateTable('messages').set({ content: '南無觀世音菩薩' }).where('id', '=', sent.body.messageId).execute();
    expect((await api(server, 'GET', `/api/chats/${chatId}/attestation`, sup.token)).body.matches).toBe(false);
  });

  it('refuses to sign a head that is not consistent with the last signed head', async () => {
    const db = server.desk.database.db;
    const log = server.desk.trust.log;
    await log.append([1, 2, 3].map((n) => ({ kind: 'test', subject: null, leaf: `{"fork":${n}}` })));
    const before = (await log.signHead()).head;
    // Rewrite history below the signed head (what the triggers exist to prevent), then grow the tree.
    await sql`ALTER TABLE tlog_nodes DISABLE TRIGGER tlog_nodes_append_only`.execute(db);
    try {
      await sql`UPDATE tlog_nodes SET hash = md5(hash) || md5(hash)`.execute(db);
    } finally {
      await sql`ALTER TABLE tlog_nodes ENABLE TRIGGER tlog_nodes_append_only`.execute(db);
    }
    await log.append([{ kind: 'test', subject: null, leaf: '{"fork":4}' }]);
    await expect(log.signHead()).rejects.toThrow(/not consistent/);
    expect((await log.latestHead())!.treeSize).toBe(before.treeSize);
  });
});
