/**
 * Bearer authentication for HTTP routes: a JWT signed by the shop (a person), or an API key
 * (`ldk_…`, the shop's server). A key reaches only routes that name the scope they need in their
 * config (`config: { apiKeyScope }`), and only when the key holds that scope: anywhere else it gets
 * 403. Keys act as an admin-level reader of what their scopes open, never as a person.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_KEY_PREFIX, type ApiKeyScope } from '../../shared/integration';
import type { TokenService } from '../identity/tokens';
import type { User, UserDirectory } from '../identity/users';
import { AppError } from '../core/errors';

/** The API key behind a request. */
export interface ApiKeyPrincipal {
  id: string;
  name: string;
  scopes: readonly ApiKeyScope[];
}

/** Resolves an `ldk_…` key (401 when unknown or revoked). */
export interface ApiKeyVerifier {
  verify(key: string): Promise<ApiKeyPrincipal>;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
    /** Set when the caller authenticated with an API key (then `user` is the key's stand-in). */
    apiKey?: ApiKeyPrincipal | null;
  }
  interface FastifyContextConfig {
    /** The scope an API key needs to call this route; routes without it refuse keys. */
    apiKeyScope?: ApiKeyScope;
  }
}

/** A preHandler that resolves the caller or answers 401 unauthenticated (403 for a key outside its scopes). */
export function makeAuthenticate(tokens: TokenService, users: UserDirectory, apiKeys?: ApiKeyVerifier) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (apiKeys && token?.startsWith(API_KEY_PREFIX)) {
      const key = await apiKeys.verify(token);
      const needed = request.routeOptions.config.apiKeyScope;
      if (!needed) throw new AppError('forbidden', { reason: 'api_key_not_accepted' });
      if (!key.scopes.includes(needed)) throw new AppError('forbidden', { reason: 'missing_scope', scope: needed });
      request.apiKey = key;
      request.user = keyUser(key);
      return;
    }
    request.user = await users.fromClaims(await tokens.verify(token));
  };
}

/** The stand-in user of an API key: not stored, never a participant of anything. */
function keyUser(key: ApiKeyPrincipal): User {
  return { id: key.id, externalId: `api-key:${key.id}`, role: 'admin', name: key.name, tier: '' };
}

/** The authenticated caller of a route that ran `authenticate`. */
export function callerOf(request: FastifyRequest): User {
  if (!request.user) throw new AppError('unauthenticated');
  return request.user;
}

/**
 * Admins (by JWT) or an API key (whose scope `authenticate` already checked for this route);
 * anyone else gets 403.
 */
export function requireAdminOrKey(request: FastifyRequest): User {
  const user = callerOf(request);
  if (request.apiKey) return user;
  if (user.role !== 'admin') throw new AppError('forbidden');
  return user;
}
