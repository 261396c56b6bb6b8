/** Bearer-token authentication for HTTP routes. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TokenService } from '../identity/tokens';
import type { User, UserDirectory } from '../identity/users';
import { AppError } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
}

/** A preHandler that resolves the caller or answers 401 unauthenticated. */
export function makeAuthenticate(tokens: TokenService, users: UserDirectory) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    request.user = await users.fromClaims(await tokens.verify(token));
  };
}

/** The authenticated caller of a route that ran `authenticate`. */
export function callerOf(request: FastifyRequest): User {
  if (!request.user) throw new AppError('unauthenticated');
  return request.user;
}
