import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral } from './array-literal';

describe('arrayLiteral', () => {
  it('quotes strings, escapes quotes and backslashes, writes NULL, numbers and booleans bare', () => {
    expect(arrayLiteral([])).toBe('{}');
    expect(arrayLiteral(['a', null, 'b c'])).toBe('{"a",NULL,"b c"}');
    expect(arrayLiteral(['say "hi"', 'C:\\dir'])).toBe('{"say \\"hi\\"","C:\\\\dir"}');
    expect(arrayLiteral([1, -0.25, true, false])).toBe('{1,-0.25,true,false}');
  });

  describe('read back by PostgreSQL (PGlite)', () => {
    let db: PGlite;
    beforeAll(async () => {
      db = await PGlite.create();
    });
    afterAll(async () => {
      await db.close();
    });

    it('round-trips texts that would break a naive literal', async () => {
      const texts = ['南無阿彌陀佛', '「引號」"quoted"', 'back\\slash', 'comma, {brace}', 'NULL', '', ' spaced ', 'line\nbreak', null];
      const r = await db.query<{ t: string | null; n: number }>('SELECT t, n::int FROM unnest($1::text[]) WITH ORDINALITY AS x(t, n) ORDER BY n', [arrayLiteral(texts)]);
      expect(r.rows.map((row) => row.t)).toEqual(texts);
    });

    it('casts to uuid, int, real and bool arrays', async () => {
      const id = '0b6d3c3e-8a51-4a8e-9a57-0c3e2f0d9c11';
      const r = await db.query<{ u: string[]; i: number[]; f: number[]; b: boolean[] }>(
        'SELECT $1::uuid[] AS u, $2::int[] AS i, $3::real[] AS f, $4::bool[] AS b',
        [arrayLiteral([id, null]), arrayLiteral([1, 2]), arrayLiteral([-0.5, 0.25]), arrayLiteral([true, false])],
      );
      expect(r.rows[0]).toEqual({ u: [id, null], i: [1, 2], f: [-0.5, 0.25], b: [true, false] });
    });
  });
});
