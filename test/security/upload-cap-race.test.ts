/**
 * Security review, finding 4: the cap on a user's unsent uploads holds under concurrency. Many
 * uploads fired at once by one member store at most the cap; the rest are refused with
 * `429 rate_limited` (`too_many_unsent`) before their bytes reach the disk, and nothing is left
 * behind on disk for them.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_UNSENT } from '../../src/server/uploads/upload-service';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer;

// Both engines the product runs on: PostgreSQL when the tests have one, and the embedded PGlite.
const BACKENDS = process.env.TEST_DATABASE_URL ? ['postgres', 'pglite'] : ['pglite'];

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

/** Uploads a small UTF-8 text file (or, `bad`, bytes of no allowed type) as multipart field `file`. */
async function upload(token: string, i: number, bad = false) {
  const form = new FormData();
  const bytes = bad ? Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array(500).fill(i % 256)]) : Buffer.from(`南無阿彌陀佛 ${i}\n`.repeat(200));
  form.append('file', new Blob([bytes], { type: 'text/plain' }), `經文-${i}.txt`);
  const res = await fetch(`${server.url}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: res.status, body: (await res.json()) as any };
}

describe.each(BACKENDS)('%s', (kind) => {
  beforeAll(async () => {
    server = await startServer({ pglite: kind === 'pglite' });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  describe(`unsent-uploads cap under concurrency`, () => {
    it('150 concurrent uploads by one member store no more than the cap; the rest are refused and leave no file', async () => {
      const cap = DEFAULT_UNSENT.maxUnsentPerUser;
      const member = await server.user('member');
      const before = storedFiles();
      const results = await Promise.all(Array.from({ length: cap + 50 }, (_, i) => upload(member.token, i)));

      const stored = results.filter((r) => r.status === 201);
      const refused = results.filter((r) => r.status !== 201);
      expect(stored.length).toBe(cap);
      expect(refused.length).toBe(50);
      for (const r of refused) {
        expect(r.status).toBe(429);
        expect(r.body.error).toMatchObject({ code: 'rate_limited', details: { reason: 'too_many_unsent', max: cap } });
      }

      // The database holds exactly the accepted uploads, and the disk exactly their files.
      const rows = await server.desk.database.db.selectFrom('attachments').select(['id', 'storage_key']).where('owner_id', '=', member.id).execute();
      expect(rows.map((r) => r.id).sort()).toEqual(stored.map((r) => r.body.attachment.id).sort());
      const added = storedFiles().filter((f) => !before.includes(f));
      expect(added).toEqual(rows.map((r) => r.storage_key).sort());

      // Still at the cap: one more is refused.
      const more = await upload(member.token, 999);
      expect(more.status).toBe(429);
      expect(more.body.error.details.reason).toBe('too_many_unsent');
      // Another member is not affected by this one's uploads.
      expect((await upload((await server.user('member')).token, 0)).status).toBe(201);
    });

    it('a refused upload gives its reservation back: failed uploads take no room from the cap', async () => {
      const cap = DEFAULT_UNSENT.maxUnsentPerUser;
      const member = await server.user('member');
      const before = storedFiles();
      // A cap's worth of files of no allowed type at once: each holds a reservation while it is read.
      const bad = await Promise.all(Array.from({ length: cap }, (_, i) => upload(member.token, i, true)));
      expect(bad.map((r) => r.body.error?.details?.reason)).toEqual(new Array(cap).fill('type_not_allowed'));
      // Then a cap's worth of good ones: none is refused for the failed ones.
      const good = await Promise.all(Array.from({ length: cap }, (_, i) => upload(member.token, i)));
      expect(good.map((r) => r.status)).toEqual(new Array(cap).fill(201));
      const rows = await server.desk.database.db.selectFrom('attachments').select(['storage_key', 'stored']).where('owner_id', '=', member.id).execute();
      expect(rows.length).toBe(cap);
      expect(rows.every((r) => r.stored)).toBe(true);
      expect(storedFiles().filter((f) => !before.includes(f))).toEqual(rows.map((r) => r.storage_key).sort());
    });
  });
});
