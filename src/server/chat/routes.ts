/** HTTP routes of the chat domain: thin — schema, caller, service, presenter. */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { LIMITS } from '../../shared/protocol';
import { callerOf } from '../http/auth';
import { ackObject, bearer, chatObject, errorBody, INT4_MAX, messageObject } from '../http/schemas';
import { assertVisible } from './access';
import type { ChatService } from './chat-service';
import type { History } from './history';
import { chatFor, memberView } from './presenters';
import type { MessagePipeline } from './pipeline';
import type { ReadReceipts } from './read-receipts';
import type { UserRateLimiter } from './user-rate-limit';
import type { User } from '../identity/users';

export interface ChatRouteDeps {
  chats: ChatService;
  history: History;
  pipeline: MessagePipeline;
  reads: ReadReceipts;
  authenticate: preHandlerHookHandler;
  /** The per-user budget HTTP message sends and reads share with the user's sockets. */
  userRate: UserRateLimiter;
  /** Records a staff read of a chat the reader does not hold (the audit log); awaited before serving. */
  onStaffRead?: (user: User, chat: { id: string; assigneeId: string | null }) => Promise<void>;
}

const idParam = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/** Registers /api/chats and its sub-resources. */
export async function chatRoutes(app: FastifyInstance, deps: ChatRouteDeps): Promise<void> {
  const { chats, history, pipeline, reads, authenticate, userRate, onStaffRead } = deps;
  const tags = ['chats'];

  app.post<{ Body: { topic?: string } | undefined }>('/api/chats', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'Open a chat (members); returns the live one if it exists',
      body: { type: ['object', 'null'], properties: { topic: { type: 'string', maxLength: 200 } }, additionalProperties: false },
      response: { 200: { type: 'object', properties: { chat: chatObject } }, 201: { type: 'object', properties: { chat: chatObject } }, ...errors },
    },
  }, async (request, reply) => {
    const topic = request.body?.topic?.trim() || null;
    const caller = callerOf(request);
    const { chat, created } = await chats.create(caller, topic);
    return reply.status(created ? 201 : 200).send({ chat: chatFor(caller.role, chat) });
  });

  app.get<{ Querystring: { status?: 'pending' | 'open' | 'closed' } }>('/api/chats', {
    preHandler: authenticate,
    config: { apiKeyScope: 'chats:read' },
    schema: {
      tags, security: bearer, summary: 'Chats the caller may see',
      querystring: { type: 'object', properties: { status: { type: 'string', enum: ['pending', 'open', 'closed'] } } },
      response: { 200: { type: 'object', properties: { chats: { type: 'array', items: chatObject } } }, ...errors },
    },
  }, async (request) => {
    const caller = callerOf(request);
    return { chats: (await chats.list(caller, request.query.status)).map((c) => chatFor(caller.role, c)) };
  });

  app.get<{ Params: { id: string } }>('/api/chats/:id', {
    preHandler: authenticate,
    config: { apiKeyScope: 'chats:read' },
    schema: {
      tags, security: bearer, summary: 'One chat, with how far the other readers have read (readCursors: userId → seq)',
      params: idParam,
      response: { 200: { type: 'object', properties: { chat: chatObject, readCursors: { type: 'object', additionalProperties: { type: 'integer' } } } }, ...errors },
    },
  }, async (request) => {
    const user = callerOf(request);
    const chat = await chats.get(user, request.params.id);
    await onStaffRead?.(user, chat);
    // The caller's own cursor is left out: clients use these to show "read" on their messages after a reload.
    const others = (await reads.cursors(chat.id)).filter((c) => c.userId !== user.id);
    return { chat: chatFor(user.role, chat), readCursors: Object.fromEntries(others.map((c) => [c.userId, c.seq])) };
  });

  app.get<{ Params: { id: string }; Querystring: { before?: number; limit?: number } }>('/api/chats/:id/messages', {
    preHandler: authenticate,
    config: { apiKeyScope: 'chats:read' },
    schema: {
      tags, security: bearer, summary: 'History, ascending seq, paged backwards with `before`',
      params: idParam,
      querystring: {
        type: 'object',
        properties: { before: { type: 'integer', minimum: 1, maximum: INT4_MAX }, limit: { type: 'integer', minimum: 1, maximum: LIMITS.historyPageMax } },
      },
      response: { 200: { type: 'object', properties: { messages: { type: 'array', items: messageObject }, hasMore: { type: 'boolean' } } }, ...errors },
    },
  }, async (request) => {
    const user = callerOf(request);
    const facts = await chats.factsOf(request.params.id);
    assertVisible(user, facts);
    await onStaffRead?.(user, { id: request.params.id.toLowerCase(), assigneeId: facts.assigneeId });
    const page = await history.page(request.params.id, request.query.before ?? null, request.query.limit ?? LIMITS.historyPageDefault);
    return user.role === 'member' ? { ...page, messages: page.messages.map(memberView) } : page;
  });

  app.post<{ Params: { id: string }; Body: { id: string; text: string; attachments?: string[] } }>('/api/chats/:id/messages', {
    preHandler: authenticate,
    bodyLimit: LIMITS.maxFrameBytes,
    schema: {
      tags, security: bearer, summary: 'Send a message over HTTP (same rules as the WebSocket send)',
      params: idParam,
      body: {
        type: 'object',
        required: ['id', 'text'],
        properties: {
          id: { type: 'string', minLength: 1, maxLength: LIMITS.maxClientIdChars },
          text: { type: 'string' },
          attachments: { type: 'array', items: { type: 'string' } },
        },
      },
      response: { 200: ackObject, 201: ackObject, 413: errorBody, 422: errorBody, 429: errorBody, ...errors },
    },
  }, async (request, reply) => {
    const caller = callerOf(request);
    userRate.spend(caller.id);
    const result = await pipeline.send(caller, {
      chatId: request.params.id,
      clientId: request.body.id,
      text: request.body.text,
      attachmentIds: request.body.attachments ?? [],
    });
    const m = result.message;
    return reply.status(201).send({ id: request.body.id, chatId: m.chatId, messageId: m.id, seq: m.seq, createdAt: m.createdAt, ...(result.duplicate ? { duplicate: true } : {}) });
  });

  app.post<{ Params: { id: string }; Body: { seq: number } }>('/api/chats/:id/read', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'Mark the chat read up to `seq` (participants; same as the WebSocket `read`)',
      params: idParam,
      body: { type: 'object', required: ['seq'], properties: { seq: { type: 'integer', minimum: 0 } }, additionalProperties: false },
      response: { 200: { type: 'object', properties: { chatId: { type: 'string' }, seq: { type: 'integer' } } }, 429: errorBody, ...errors },
    },
  }, async (request) => {
    const caller = callerOf(request);
    userRate.spend(caller.id);
    return { chatId: request.params.id, seq: await reads.markRead(caller, request.params.id, request.body.seq) };
  });

  app.post<{ Params: { id: string } }>('/api/chats/:id/accept', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'Take a pending chat (接聽)', params: idParam, response: { 200: { type: 'object', properties: { chat: chatObject } }, ...errors } },
  }, async (request) => ({ chat: await chats.accept(callerOf(request), request.params.id) }));

  app.post<{ Params: { id: string }; Body: { to: string; note?: string } }>('/api/chats/:id/transfer', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'Transfer to an agent or master, or back to the queue',
      params: idParam,
      body: { type: 'object', required: ['to'], properties: { to: { type: 'string' }, note: { type: 'string', maxLength: 1000 } } },
      response: { 200: { type: 'object', properties: { chat: chatObject } }, ...errors },
    },
  }, async (request) => ({ chat: await chats.transfer(callerOf(request), request.params.id, request.body.to, request.body.note?.trim() || null) }));

  app.post<{ Params: { id: string } }>('/api/chats/:id/close', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'Close a chat', params: idParam, response: { 200: { type: 'object', properties: { chat: chatObject } }, ...errors } },
  }, async (request) => {
    const caller = callerOf(request);
    return { chat: chatFor(caller.role, await chats.close(caller, request.params.id)) };
  });

}
