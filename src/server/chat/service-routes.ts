/**
 * Labels and satisfaction on a chat (docs/PROTOCOL.md part 2, "Service"): staff label the chats
 * they may see (members get 404: labels are staff notes about them); the chat's member rates it
 * once it is closed.
 */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { callerOf } from '../http/auth';
import { bearer, chatObject, errorBody } from '../http/schemas';
import type { ChatService } from './chat-service';
import type { Ratings } from './ratings';

const idParam = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };
const ratingObject = {
  type: 'object',
  properties: { score: { type: 'integer' }, comment: { type: ['string', 'null'] }, createdAt: { type: 'string' } },
  required: ['score', 'comment', 'createdAt'],
} as const;

/** Limits of a label list. */
export const LABEL_LIMITS = { maxLabels: 20, maxChars: 32 } as const;

/** Registers /api/chats/:id/labels and /api/chats/:id/rating. */
export async function serviceRoutes(app: FastifyInstance, { chats, ratings, authenticate }: { chats: ChatService; ratings: Ratings; authenticate: preHandlerHookHandler }): Promise<void> {
  const tags = ['chats'];

  app.put<{ Params: { id: string }; Body: { labels: string[] } }>('/api/chats/:id/labels', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: "Set a chat's labels (staff who may see it; members never see labels)",
      params: idParam,
      body: {
        type: 'object',
        required: ['labels'],
        additionalProperties: false,
        properties: { labels: { type: 'array', maxItems: LABEL_LIMITS.maxLabels, items: { type: 'string', minLength: 1, maxLength: LABEL_LIMITS.maxChars, pattern: '\\S' } } },
      },
      response: { 200: { type: 'object', properties: { chat: chatObject } }, ...errors },
    },
  }, async (request) => ({ chat: await chats.setLabels(callerOf(request), request.params.id, request.body.labels) }));

  app.post<{ Params: { id: string }; Body: { score: number; comment?: string } }>('/api/chats/:id/rating', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'Rate a closed chat 1-5 (its member, once; a second rating is 409)',
      params: idParam,
      body: {
        type: 'object',
        required: ['score'],
        additionalProperties: false,
        properties: { score: { type: 'integer', minimum: 1, maximum: 5 }, comment: { type: 'string', maxLength: 1000 } },
      },
      response: { 201: { type: 'object', properties: { rating: ratingObject } }, ...errors },
    },
  }, async (request, reply) => {
    const rating = await ratings.rate(callerOf(request), request.params.id, request.body.score, request.body.comment?.trim() || null);
    return reply.status(201).send({ rating });
  });

  app.get<{ Params: { id: string } }>('/api/chats/:id/rating', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: "The chat's rating or null (its member and staff who may see it)",
      params: idParam,
      response: { 200: { type: 'object', properties: { rating: { anyOf: [ratingObject, { type: 'null' }] } } }, ...errors },
    },
  }, async (request) => ({ rating: await ratings.of(callerOf(request), request.params.id) }));
}
