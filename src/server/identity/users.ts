/** Users as the shop knows them: created or updated on first sight of a valid token. */
import { sql } from 'kysely';
import type { Role } from '../../shared/protocol';
import type { Db } from '../db/database';
import type { TokenClaims } from './tokens';

export interface User {
  id: string;
  externalId: string;
  role: Role;
  name: string;
  tier: string;
}

/**
 * Resolves token claims to a stored user. A small cache avoids a write per request: the row is
 * only touched when the claims change.
 */
export class UserDirectory {
  private readonly cache = new Map<string, User>();
  constructor(private readonly db: Db) {}

  /** Returns the user for these claims, creating or updating the row when needed. */
  async fromClaims(claims: TokenClaims): Promise<User> {
    const cached = this.cache.get(claims.sub);
    if (cached && cached.role === claims.role && cached.name === claims.name && (claims.tier === undefined || cached.tier === claims.tier)) return cached;
    // The token's tier, when it carries one, is the shop's word on the member's level.
    const tier = claims.tier !== undefined ? { tier: claims.tier } : {};
    const row = await this.db
      .insertInto('users')
      .values({ external_id: claims.sub, role: claims.role, name: claims.name, ...tier, updated_at: new Date() })
      .onConflict((oc) => oc.column('external_id').doUpdateSet({ role: claims.role, name: claims.name, ...tier, updated_at: new Date() }))
      .returning(['id', 'external_id', 'role', 'name', 'tier'])
      .executeTakeFirstOrThrow();
    const user: User = { id: row.id, externalId: row.external_id, role: row.role as Role, name: row.name, tier: row.tier };
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(claims.sub, user);
    return user;
  }

  /**
   * Creates a member, or updates the name and tier of the user with this external id (the shop's
   * user sync). An existing user keeps their role: the shop's tokens say who is staff.
   */
  async upsertByExternal(sub: string, fields: { name?: string; tier?: string }): Promise<{ user: User; created: boolean }> {
    const changes = { ...(fields.name !== undefined ? { name: fields.name } : {}), ...(fields.tier !== undefined ? { tier: fields.tier } : {}) };
    const row = await this.db
      .insertInto('users')
      .values({ external_id: sub, role: 'member', name: fields.name ?? sub, ...(fields.tier !== undefined ? { tier: fields.tier } : {}), updated_at: new Date() })
      .onConflict((oc) => oc.column('external_id').doUpdateSet({ ...changes, updated_at: new Date() }))
      // xmax = 0 only on a row this statement inserted.
      .returning(['id', 'external_id', 'role', 'name', 'tier', sql<boolean>`(xmax = 0)`.as('inserted')])
      .executeTakeFirstOrThrow();
    const user: User = { id: row.id, externalId: row.external_id, role: row.role as Role, name: row.name, tier: row.tier };
    this.cache.delete(sub);
    return { user, created: row.inserted };
  }

  /** Looks a user up by the shop's id. */
  async byExternal(sub: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').select(['id', 'external_id', 'role', 'name', 'tier']).where('external_id', '=', sub).executeTakeFirst();
    return row ? { id: row.id, externalId: row.external_id, role: row.role as Role, name: row.name, tier: row.tier } : null;
  }

  /** Looks a user up by internal id. */
  async byId(id: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').select(['id', 'external_id', 'role', 'name', 'tier']).where('id', '=', id).executeTakeFirst();
    return row ? { id: row.id, externalId: row.external_id, role: row.role as Role, name: row.name, tier: row.tier } : null;
  }
}
