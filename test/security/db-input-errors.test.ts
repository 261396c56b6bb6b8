/**
 * The error handler answers `400 invalid` for any value the database refuses (SQLSTATE class 22),
 * whichever route let it through, on node-postgres and PGlite; other database failures stay 500.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandling } from '../../src/server/http/error-handler';

const QUERIES: Array<[string, string, unknown[]]> = [
  ['22P02', 'SELECT $1::uuid', ["x'--"]],
  ['22003', 'SELECT $1::int4', ['2147483648']],
  ['22021', 'SELECT $1::text', ['a\u0000b']],
  ['22008', "SELECT $1::timestamptz + interval '1 day'", ['294276-12-31T00:00:00Z']],
];

type Run = (sql: string, params: unknown[]) => Promise<unknown>;

async function appWith(run: Run): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  installErrorHandling(app);
  app.get<{ Querystring: { i: string } }>('/q', async (request) => {
    const [, sql, params] = QUERIES[Number(request.query.i)] ?? ['', 'SELECT * FROM no_such_table', []];
    await run(sql, params);
    return { ok: true };
  });
  await app.ready();
  return app;
}

const backends: Array<[string, () => Promise<{ run: Run; close: () => Promise<void> }>]> = [
  ['pglite', async () => {
    const db = new PGlite();
    return { run: (sql, params) => db.query(sql, params), close: () => db.close() };
  }],
];
if (process.env.TEST_DATABASE_URL) {
  backends.push(['postgres', async () => {
    const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    return { run: (sql, params) => client.query(sql, params), close: () => client.end() };
  }]);
}

for (const [name, open] of backends) {
  describe(`database input errors map to 400 invalid (${name})`, () => {
    let app: FastifyInstance;
    let close: () => Promise<void>;
    beforeAll(async () => {
      const b = await open();
      close = b.close;
      app = await appWith(b.run);
    });
    afterAll(async () => {
      await app?.close();
      await close?.();
    });

    it.each(QUERIES.map(([code], i) => [code, i] as const))('SQLSTATE %s answers 400 invalid', async (code, i) => {
      const res = await app.inject({ method: 'GET', url: `/q?i=${i}` });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid', details: { sqlstate: code } });
    });

    it('a failure that is not the input (a missing table) stays 500 internal', async () => {
      const res = await app.inject({ method: 'GET', url: '/q?i=99' });
      expect([res.statusCode, res.json().error.code]).toEqual([500, 'internal']);
    });
  });
}
