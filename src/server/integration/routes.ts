/**
 * The shop's integration routes (docs/PROTOCOL.md part 2, "Identity (added)", "Domain events and
 * webhooks"): API keys (admins, by JWT only), user look-up and sync by the shop's id, webhook
 * endpoints with their delivery log. Routes that accept API keys name the scope in `config`.
 */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { API_KEY_SCOPES, WEBHOOK_EVENT_TYPES, type ApiKeyScope, type WebhookEventType } from '../../shared/integration';
import type { Db } from '../db/database';
import { callerOf, requireAdminOrKey } from '../http/auth';
import { AppError } from '../core/errors';
import { bearer, errorBody } from '../http/schemas';
import type { User, UserDirectory } from '../identity/users';
import type { ApiKeys } from './api-keys';
import type { Webhooks } from './webhooks';

export interface IntegrationRouteDeps {
  db: Db;
  apiKeys: ApiKeys;
  webhooks: Webhooks;
  users: UserDirectory;
  authenticate: preHandlerHookHandler;
}

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const idParam = { type: 'object', properties: { id: { type: 'string', pattern: UUID } }, required: ['id'] } as const;
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };
const apiKeyObject = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, scopes: { type: 'array', items: { type: 'string' } }, prefix: { type: 'string' },
    key: { type: 'string' }, createdAt: { type: 'string' }, lastUsedAt: { type: ['string', 'null'] }, revokedAt: { type: ['string', 'null'] },
  },
} as const;
const webhookObject = {
  type: 'object',
  properties: {
    id: { type: 'string' }, url: { type: 'string' }, events: { type: 'array', items: { type: 'string' } }, description: { type: ['string', 'null'] },
    secret: { type: 'string' }, createdAt: { type: 'string' }, disabledAt: { type: ['string', 'null'] }, disabledReason: { type: ['string', 'null'] },
    failingSince: { type: ['string', 'null'] },
  },
} as const;
const deliveryObject = {
  type: 'object',
  properties: {
    id: { type: 'string' }, eventId: { type: 'string' }, type: { type: 'string' }, attempt: { type: 'integer' }, status: { type: 'string' }, at: { type: 'string' },
    error: { type: 'string' }, responseStatus: { type: ['integer', 'null'] }, nextAttemptAt: { type: ['string', 'null'] },
  },
} as const;
const syncedUserObject = {
  type: 'object',
  properties: {
    id: { type: 'string' }, externalId: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, tier: { type: 'string' },
    certified: { type: 'boolean' },
    merit: { type: 'object', properties: { total: { type: 'integer' }, level: { type: ['object', 'null'], additionalProperties: true } } },
  },
} as const;
const subParam = { type: 'object', properties: { sub: { type: 'string', minLength: 1, maxLength: 128 } }, required: ['sub'] } as const;

function requireAdmin(user: User): void {
  if (user.role !== 'admin') throw new AppError('forbidden');
}

/** Registers /api/api-keys, /api/users/by-external/:sub and /api/webhooks. */
export async function integrationRoutes(app: FastifyInstance, deps: IntegrationRouteDeps): Promise<void> {
  const { apiKeys, webhooks, users, authenticate, db } = deps;
  const tags = ['integration'];

  // ---- API keys: admins by JWT only (no key can mint or see keys) ----
  app.post<{ Body: { name: string; scopes: ApiKeyScope[] } }>('/api/api-keys', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'Create an API key (admins); `key` is shown only in this answer',
      body: {
        type: 'object', additionalProperties: false, required: ['name', 'scopes'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
          scopes: { type: 'array', minItems: 1, maxItems: API_KEY_SCOPES.length, uniqueItems: true, items: { type: 'string', enum: [...API_KEY_SCOPES] } },
        },
      },
      response: { 201: { type: 'object', properties: { apiKey: apiKeyObject } }, ...errors },
    },
  }, async (request, reply) => {
    const caller = callerOf(request);
    requireAdmin(caller);
    const apiKey = await apiKeys.create(request.body.name.trim(), request.body.scopes, caller.id);
    return reply.status(201).send({ apiKey });
  });

  app.get('/api/api-keys', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'API keys, newest first, without the keys (admins)', response: { 200: { type: 'object', properties: { apiKeys: { type: 'array', items: apiKeyObject } } }, ...errors } },
  }, async (request) => {
    requireAdmin(callerOf(request));
    return { apiKeys: await apiKeys.list() };
  });

  app.delete<{ Params: { id: string } }>('/api/api-keys/:id', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'Revoke an API key at once (admins)', params: idParam, response: { 204: { type: 'null' }, ...errors } },
  }, async (request, reply) => {
    requireAdmin(callerOf(request));
    await apiKeys.revoke(request.params.id);
    return reply.status(204).send();
  });

  // ---- Users by the shop's id ----
  const presentSynced = async (user: User) => {
    const merit = await db.selectFrom('merit_totals').select('total').where('user_id', '=', user.id).executeTakeFirst();
    // Certification and merit levels belong to the members feature; until it records them a member is uncertified and has no level.
    return { id: user.id, externalId: user.externalId, name: user.name, role: user.role, tier: user.tier, certified: false, merit: { total: merit?.total ?? 0, level: null } };
  };

  app.get<{ Params: { sub: string } }>('/api/users/by-external/:sub', {
    preHandler: authenticate,
    config: { apiKeyScope: 'users:read' },
    schema: { tags, security: bearer, summary: 'A user by the shop\'s id (admins, or an API key with users:read)', params: subParam, response: { 200: { type: 'object', properties: { user: syncedUserObject } }, ...errors } },
  }, async (request) => {
    requireAdminOrKey(request);
    const user = await users.byExternal(request.params.sub);
    if (!user) throw new AppError('not_found');
    return { user: await presentSynced(user) };
  });

  app.put<{ Params: { sub: string }; Body: { name?: string; tier?: string } }>('/api/users/by-external/:sub', {
    preHandler: authenticate,
    config: { apiKeyScope: 'users:write' },
    schema: {
      tags, security: bearer, summary: 'Create or update a member by the shop\'s id (admins, or an API key with users:write); 201 when created',
      params: subParam,
      body: {
        type: 'object', additionalProperties: false,
        properties: { name: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' }, tier: { type: 'string', minLength: 1, maxLength: 64, pattern: '^\\S+$' } },
      },
      response: { 200: { type: 'object', properties: { user: syncedUserObject } }, 201: { type: 'object', properties: { user: syncedUserObject } }, ...errors },
    },
  }, async (request, reply) => {
    requireAdminOrKey(request);
    const body = request.body ?? {};
    const { user, created } = await users.upsertByExternal(request.params.sub, { ...(body.name !== undefined ? { name: body.name.trim() } : {}), ...(body.tier !== undefined ? { tier: body.tier } : {}) });
    return reply.status(created ? 201 : 200).send({ user: await presentSynced(user) });
  });

  // ---- Webhooks: admins, or an API key with webhooks:manage ----
  const hooks = { preHandler: authenticate, config: { apiKeyScope: 'webhooks:manage' as const } };

  app.post<{ Body: { url: string; events: WebhookEventType[]; description?: string } }>('/api/webhooks', {
    ...hooks,
    schema: {
      tags, security: bearer, summary: 'Add a webhook endpoint; `secret` is shown only in this answer',
      body: {
        type: 'object', additionalProperties: false, required: ['url', 'events'],
        properties: {
          url: { type: 'string', minLength: 8, maxLength: 2000 },
          events: { type: 'array', minItems: 1, maxItems: WEBHOOK_EVENT_TYPES.length, uniqueItems: true, items: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] } },
          description: { type: 'string', maxLength: 500 },
        },
      },
      response: { 201: { type: 'object', properties: { webhook: webhookObject } }, ...errors },
    },
  }, async (request, reply) => {
    const caller = requireAdminOrKey(request);
    const webhook = await webhooks.create(request.body, request.apiKey ? { userId: null, keyId: request.apiKey.id } : { userId: caller.id, keyId: null });
    return reply.status(201).send({ webhook });
  });

  app.get('/api/webhooks', {
    ...hooks,
    schema: { tags, security: bearer, summary: 'Webhook endpoints (without secrets)', response: { 200: { type: 'object', properties: { webhooks: { type: 'array', items: webhookObject } } }, ...errors } },
  }, async (request) => {
    requireAdminOrKey(request);
    return { webhooks: await webhooks.list() };
  });

  app.delete<{ Params: { id: string } }>('/api/webhooks/:id', {
    ...hooks,
    schema: { tags, security: bearer, summary: 'Delete a webhook endpoint and its delivery log', params: idParam, response: { 204: { type: 'null' }, ...errors } },
  }, async (request, reply) => {
    requireAdminOrKey(request);
    await webhooks.remove(request.params.id);
    return reply.status(204).send();
  });

  app.post<{ Params: { id: string } }>('/api/webhooks/:id/enable', {
    ...hooks,
    schema: { tags, security: bearer, summary: 'Turn a disabled webhook endpoint back on', params: idParam, response: { 200: { type: 'object', properties: { webhook: webhookObject } }, ...errors } },
  }, async (request) => {
    requireAdminOrKey(request);
    return { webhook: await webhooks.enable(request.params.id) };
  });

  app.get<{ Params: { id: string }; Querystring: { limit?: number } }>('/api/webhooks/:id/deliveries', {
    ...hooks,
    schema: {
      tags, security: bearer, summary: 'The endpoint\'s delivery log, newest first',
      params: idParam,
      querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 500 } } },
      response: { 200: { type: 'object', properties: { deliveries: { type: 'array', items: deliveryObject } } }, ...errors },
    },
  }, async (request) => {
    requireAdminOrKey(request);
    return { deliveries: await webhooks.deliveries(request.params.id, request.query.limit ?? 100) };
  });

  app.post<{ Params: { id: string; eventId: string } }>('/api/webhooks/:id/deliveries/:eventId/replay', {
    ...hooks,
    schema: {
      tags, security: bearer, summary: 'Send a delivery again (same event id and body)',
      params: { type: 'object', properties: { id: { type: 'string', pattern: UUID }, eventId: { type: 'string', pattern: UUID } }, required: ['id', 'eventId'] },
      response: { 202: { type: 'object', properties: { ok: { type: 'boolean' } } }, ...errors },
    },
  }, async (request, reply) => {
    requireAdminOrKey(request);
    await webhooks.replay(request.params.id, request.params.eventId);
    return reply.status(202).send({ ok: true });
  });
}
