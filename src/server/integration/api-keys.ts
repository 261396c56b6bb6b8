/**
 * API keys: the shop's server-to-server credentials. A key is 32 random bytes shown once; only
 * its SHA-256 is stored (a fast hash suffices for 256-bit random secrets: there is nothing to
 * guess). Every request looks the hash up, so a revoked key is refused on the very next request,
 * on every node. `last_used_at` is written at most once a minute per key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { API_KEY_PREFIX, type ApiKeyDto, type ApiKeyScope } from '../../shared/integration';
import type { Db } from '../db/database';
import { AppError } from '../core/errors';
import type { ApiKeyPrincipal } from '../http/auth';

/** The stored form of a key. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

type Row = { id: string; name: string; scopes: string[]; prefix: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null };

function present(row: Row): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes as ApiKeyScope[],
    prefix: row.prefix,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
  };
}

export class ApiKeys {
  constructor(private readonly db: Db) {}

  /** Creates a key; the returned `key` is the only time it exists in clear. */
  async create(name: string, scopes: ApiKeyScope[], createdBy: string | null): Promise<ApiKeyDto & { key: string }> {
    const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
    const row = await this.db
      .insertInto('api_keys')
      .values({ name, scopes: [...new Set(scopes)], key_hash: hashKey(key), prefix: key.slice(0, API_KEY_PREFIX.length + 6), created_by: createdBy })
      .returning(['id', 'name', 'scopes', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
      .executeTakeFirstOrThrow();
    return { ...present(row), key };
  }

  /** Every key, newest first, revoked ones included (without the keys). */
  async list(): Promise<ApiKeyDto[]> {
    const rows = await this.db.selectFrom('api_keys').select(['id', 'name', 'scopes', 'prefix', 'created_at', 'last_used_at', 'revoked_at']).orderBy('created_at', 'desc').execute();
    return rows.map(present);
  }

  /** Revokes a key at once; 404 when there is no such key. Revoking twice keeps the first time. */
  async revoke(id: string): Promise<void> {
    const row = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    if (!row) throw new AppError('not_found');
  }

  /** The key's principal, or 401 for an unknown or revoked key. Notes the use (at most once a minute). */
  async verify(key: string): Promise<ApiKeyPrincipal> {
    const row = await this.db
      .selectFrom('api_keys')
      .select(['id', 'name', 'scopes', 'last_used_at'])
      .where('key_hash', '=', hashKey(key))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw new AppError('unauthenticated', { reason: 'bad_api_key' });
    if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > 60_000) {
      await this.db
        .updateTable('api_keys')
        .set({ last_used_at: sql<Date>`now()` })
        .where('id', '=', row.id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]))
        .execute();
    }
    return { id: row.id, name: row.name, scopes: row.scopes as ApiKeyScope[] };
  }
}
