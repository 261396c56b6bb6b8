/**
 * The sutra corpus an operator chooses (issue 27, item 5): a server started with
 * LOTUSDESK_SUTRA_CORPUS pointing at a folder with a catalog.tsv verifies against that corpus
 * alone. On a database that held the shipped canon, the canon's texts go and admins' texts stay.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHIPPED_DATA_DIR } from '../src/server/dharma/paths';
import { api, startServer, type TestServer } from './helpers/server';

const dataDir = mkdtempSync(join(tmpdir(), 'lotusdesk-corpus-'));
const corpusDir = mkdtempSync(join(tmpdir(), 'lotusdesk-own-corpus-'));
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(corpusDir, { recursive: true, force: true });
});

describe('an operator corpus in place of the shipped canon', () => {
  it('replaces the canon on the same database, keeps admins’ texts, and verifies against the operator’s texts only', async () => {
    const canon = await startServer({ dataDir });
    servers.push(canon);
    const admin = (await canon.user('admin')).token;
    expect((await api(canon, 'GET', '/api/dharma/sutras', admin)).body.sutras.filter((s: any) => s.source === 'CBETA')).toHaveLength(34);
    expect((await api(canon, 'POST', '/api/dharma/sutras', admin, { id: 'X-OWN', title: '自編法語', aliases: ['自編法語'], content: '心淨則國土淨念念分明' })).status).toBe(201);
    await canon.stop();

    // The operator's own licensed text of the Heart Sutra, described by a catalog.tsv.
    writeFileSync(join(corpusDir, 'heart.txt'), readFileSync(join(SHIPPED_DATA_DIR, 'sutras', 'T0251_heart-sutra.punctuated.txt'), 'utf8'));
    writeFileSync(join(corpusDir, 'catalog.tsv'), ['file\ttaisho\ttitle\taliases', 'heart.txt\tT0251\t般若波羅蜜多心經\t心經|般若心經', ''].join('\n'));
    const own = await startServer({ dataDir, databaseUrl: canon.databaseUrl ?? undefined, env: { LOTUSDESK_SUTRA_CORPUS: corpusDir } });
    servers.push(own);
    const admin2 = (await own.user('admin')).token;
    const sutras = (await api(own, 'GET', '/api/dharma/sutras', admin2)).body.sutras as any[];
    expect(sutras.map((s) => [s.id, s.source]).sort()).toEqual([['T0251', 'operator'], ['X-OWN', 'admin']]);
    const check = async (text: string) => (await api(own, 'POST', '/api/dharma/check', admin2, { text })).body.citations[0];
    expect(await check('《心經》云：「色即是空，空即是色」')).toMatchObject({ status: 'exact', sutra: { taisho: 'T0251' } });
    expect(await check('《心经》云：「色即是有，空即是无，一切皆实」')).toMatchObject({ status: 'misquote' });
    expect(await check('《自編法語》云：「心淨則國土淨」')).toMatchObject({ status: 'exact' });
    // The canon is gone: its texts are not judged.
    expect((await check('《法華經》云：「放下屠刀，立地成佛」')).status).not.toBe('misquote');
    expect((await check('《維摩經》云：「直心是道場」')).status).toBe('unknown_sutra');
  }, 180_000);
});
