/**
 * Private notes on a chat (docs/PROTOCOL.md part 2, "Private notes"): staff who may see the chat
 * write and read them; a member gets 404, as for anything that must stay invisible to them.
 */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { callerOf } from '../http/auth';
import { bearer, errorBody } from '../http/schemas';
import type { ChatService } from './chat-service';

export interface NoteRouteDeps {
  chats: ChatService;
  authenticate: preHandlerHookHandler;
}

const noteObject = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    chatId: { type: 'string' },
    authorId: { type: ['string', 'null'] },
    authorName: { type: 'string' },
    text: { type: 'string' },
    createdAt: { type: 'string' },
  },
  required: ['id', 'chatId', 'authorId', 'authorName', 'text', 'createdAt'],
} as const;
const idParam = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };

/** Registers /api/chats/:id/notes. */
export async function noteRoutes(app: FastifyInstance, { chats, authenticate }: NoteRouteDeps): Promise<void> {
  const tags = ['chats'];

  app.post<{ Params: { id: string }; Body: { text: string } }>('/api/chats/:id/notes', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'Write a private note on a chat (staff who may see it)',
      params: idParam,
      body: { type: 'object', properties: { text: { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' } }, required: ['text'], additionalProperties: false },
      response: { 201: { type: 'object', properties: { note: noteObject } }, ...errors },
    },
  }, async (request, reply) => {
    const note = await chats.addNote(callerOf(request), request.params.id, request.body.text.trim());
    return reply.status(201).send({ note });
  });

  app.get<{ Params: { id: string } }>('/api/chats/:id/notes', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'The private notes of a chat, oldest first (staff who may see it)',
      params: idParam,
      response: { 200: { type: 'object', properties: { notes: { type: 'array', items: noteObject } } }, ...errors },
    },
  }, async (request) => ({ notes: await chats.notes(callerOf(request), request.params.id) }));
}
