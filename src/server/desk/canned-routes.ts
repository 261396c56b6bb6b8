/** HTTP routes of canned replies (PROTOCOL part 2): schema, caller, service. */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { callerOf } from '../http/auth';
import { bearer, errorBody } from '../http/schemas';
import type { CannedReplies } from './canned-replies';

const tags = ['canned-replies'];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 422: errorBody };
const idParam = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-fA-F-]{36}$' } }, required: ['id'] } as const;
const fields = {
  shortcut: { type: 'string', minLength: 1, maxLength: 33 },
  title: { type: 'string', minLength: 1, maxLength: 100 },
  text: { type: 'string', minLength: 1, maxLength: 4000 },
} as const;

/** Registers /api/canned-replies. */
export async function cannedRoutes(app: FastifyInstance, deps: { canned: CannedReplies; authenticate: preHandlerHookHandler }): Promise<void> {
  const { canned, authenticate } = deps;

  app.get<{ Querystring: { q?: string } }>('/api/canned-replies', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'My canned replies and the team ones, searched by shortcut, title or text in either script (staff)', querystring: { type: 'object', properties: { q: { type: 'string', maxLength: 100 } } }, response: errors },
  }, async (request) => ({ replies: await canned.list(callerOf(request), request.query.q) }));

  app.post<{ Body: { shortcut: string; title: string; text: string; scope?: 'personal' | 'team' } }>('/api/canned-replies', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'Save a canned reply: personal, or team (supervisors); a misquoted sutra is refused with 422 unverified_citation',
      body: { type: 'object', additionalProperties: false, required: ['shortcut', 'title', 'text'], properties: { ...fields, scope: { type: 'string', enum: ['personal', 'team'] } } },
      response: errors,
    },
  }, async (request, reply) => {
    const b = request.body;
    return reply.status(201).send({ reply: await canned.create(callerOf(request), b, b.scope) });
  });

  app.patch<{ Params: { id: string }; Body: { shortcut?: string; title?: string; text?: string } }>('/api/canned-replies/:id', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'Change my canned reply (or a team one, supervisors)', params: idParam, body: { type: 'object', additionalProperties: false, properties: fields }, response: errors },
  }, async (request) => ({ reply: await canned.update(callerOf(request), request.params.id, request.body) }));

  app.delete<{ Params: { id: string } }>('/api/canned-replies/:id', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'Remove my canned reply (or a team one, supervisors)', params: idParam, response: errors },
  }, async (request) => {
    await canned.remove(callerOf(request), request.params.id);
    return { ok: true };
  });

  app.post<{ Params: { id: string }; Body: { chatId?: string } }>('/api/canned-replies/:id/use', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'The reply text for a chat with {member} and {agent} filled in; counts the use',
      params: idParam,
      body: { type: 'object', additionalProperties: false, properties: { chatId: { type: 'string', pattern: '^[0-9a-fA-F-]{36}$' } } },
      response: errors,
    },
  }, async (request) => canned.use(callerOf(request), request.params.id, request.body?.chatId));
}
