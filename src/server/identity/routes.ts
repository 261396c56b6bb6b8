/** Identity routes: the caller, and dev login on the embedded default. */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { ROLES, type Role } from '../../shared/protocol';
import { callerOf } from '../http/auth';
import { bearer, errorBody } from '../http/schemas';
import { DEMO_USERS } from './dev';
import type { TokenService } from './tokens';

const userObject = {
  type: 'object',
  properties: { id: { type: 'string' }, externalId: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, tier: { type: 'string' } },
} as const;

/** Registers /api/me and, when enabled, /api/dev/login and /api/dev/users. */
export async function identityRoutes(app: FastifyInstance, deps: { tokens: TokenService; authenticate: preHandlerHookHandler; devLogin: boolean }) {
  app.get('/api/me', {
    preHandler: deps.authenticate,
    schema: { tags: ['identity'], security: bearer, summary: 'The caller', response: { 200: { type: 'object', properties: { user: userObject } }, 401: errorBody } },
  }, async (request) => ({ user: callerOf(request) }));

  if (!deps.devLogin) return;

  app.post<{ Body: { name: string; role: Role; sub?: string } }>('/api/dev/login', {
    schema: {
      tags: ['identity'],
      summary: 'Dev login (embedded default only): returns a token for any name and role',
      body: {
        type: 'object',
        required: ['name', 'role'],
        properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, role: { type: 'string', enum: [...ROLES] }, sub: { type: 'string', minLength: 1, maxLength: 128 } },
      },
      response: { 200: { type: 'object', properties: { token: { type: 'string' } } }, 400: errorBody },
    },
  }, async (request) => {
    const { name, role } = request.body;
    // The same name and role always map to the same user, so a dev login can be repeated.
    const demo = DEMO_USERS.find((u) => u.name === name && u.role === role);
    const sub = request.body.sub ?? demo?.sub ?? `dev:${role}:${name}`;
    return { token: await deps.tokens.sign({ sub, role, name }) };
  });

  app.get('/api/dev/users', {
    schema: { tags: ['identity'], summary: 'Demo users (embedded default only)' },
  }, async () => ({ users: DEMO_USERS }));
}
