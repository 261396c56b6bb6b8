/** HTTP routes of a member's chat history for staff (access rule in member-chats.ts). */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { LIMITS } from '../../shared/protocol';
import { callerOf } from '../http/auth';
import { bearer, errorBody, INT4_MAX, messageObject } from '../http/schemas';
import type { MemberChats } from './member-chats';

export interface MemberRouteDeps {
  memberChats: MemberChats;
  authenticate: preHandlerHookHandler;
}

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };
const summary = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    topic: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['pending', 'open', 'closed'] },
    createdAt: { type: 'string' },
    closedAt: { type: ['string', 'null'] },
    assigneeName: { type: ['string', 'null'] },
  },
} as const;

/** Registers /api/members/:id/chats and the read-only history of one of them. */
export async function memberRoutes(app: FastifyInstance, deps: MemberRouteDeps): Promise<void> {
  const { memberChats, authenticate } = deps;
  const tags = ['chats'];

  app.get<{ Params: { id: string } }>('/api/members/:id/chats', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: "A member's chats, newest first (staff serving that member, supervisors, admins)",
      params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      response: { 200: { type: 'object', properties: { chats: { type: 'array', items: summary } } }, ...errors },
    },
  }, async (request) => ({ chats: await memberChats.list(callerOf(request), request.params.id) }));

  app.get<{ Params: { id: string; chatId: string }; Querystring: { before?: number; limit?: number } }>('/api/members/:id/chats/:chatId/messages', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: "History of one of the member's closed chats, read-only, paged like /api/chats/:id/messages",
      params: { type: 'object', properties: { id: { type: 'string' }, chatId: { type: 'string' } }, required: ['id', 'chatId'] },
      querystring: {
        type: 'object',
        properties: { before: { type: 'integer', minimum: 1, maximum: INT4_MAX }, limit: { type: 'integer', minimum: 1, maximum: LIMITS.historyPageMax } },
      },
      response: { 200: { type: 'object', properties: { messages: { type: 'array', items: messageObject }, hasMore: { type: 'boolean' } } }, ...errors },
    },
  }, async (request) =>
    memberChats.page(callerOf(request), request.params.id, request.params.chatId, request.query.before ?? null, request.query.limit ?? LIMITS.historyPageDefault),
  );
}
