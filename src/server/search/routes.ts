/** GET /api/search (staff): messages in either script, newest first, in chats the caller may see. */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { callerOf } from '../http/auth';
import { bearer, errorBody } from '../http/schemas';
import type { MessageSearch } from './search';

const resultObject = {
  type: 'object',
  properties: { chatId: { type: 'string' }, messageId: { type: 'string' }, seq: { type: 'integer' }, snippet: { type: 'string' }, createdAt: { type: 'string' } },
  required: ['chatId', 'messageId', 'seq', 'snippet', 'createdAt'],
} as const;

/** Registers /api/search. */
export async function searchRoutes(app: FastifyInstance, { search, authenticate }: { search: MessageSearch; authenticate: preHandlerHookHandler }): Promise<void> {
  app.get<{ Querystring: { q: string; limit?: number } }>('/api/search', {
    preHandler: authenticate,
    schema: {
      tags: ['chats'], security: bearer, summary: 'Search messages (staff): either script finds the other; newest first; only chats the caller may see',
      querystring: {
        type: 'object',
        required: ['q'],
        properties: { q: { type: 'string', minLength: 1, maxLength: 200 }, limit: { type: 'integer', minimum: 1, maximum: 100 } },
      },
      response: { 200: { type: 'object', properties: { results: { type: 'array', items: resultObject } } }, 400: errorBody, 401: errorBody, 403: errorBody },
    },
  }, async (request) => ({ results: await search.search(callerOf(request), request.query.q, request.query.limit ?? 20) }));
}
