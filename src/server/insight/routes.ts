/** HTTP routes of the insight domain: the help lines of the caring reply (read: staff; write: admins), and scoring for staff tools. */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { callerOf } from '../http/auth';
import { AppError } from '../core/errors';
import { bearer } from '../http/schemas';
import type { Insight } from './insight';

const tags = ['insight'];
const STAFF = new Set(['agent', 'master', 'supervisor', 'admin']);

const helplineSettings = {
  type: 'object',
  additionalProperties: false,
  required: ['helplines'],
  properties: {
    message: { type: ['string', 'null'], maxLength: 1000 },
    helplines: {
      type: 'array',
      minItems: 1,
      maxItems: 10,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'phone'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 100 },
          phone: { type: 'string', minLength: 1, maxLength: 40 },
          note: { type: 'string', maxLength: 200 },
        },
      },
    },
  },
} as const;

/** Registers the insight routes. */
export async function insightRoutes(app: FastifyInstance, deps: { insight: Insight; authenticate: preHandlerHookHandler }) {
  const { insight, authenticate } = deps;

  app.get('/api/insight/helplines', { preHandler: authenticate, schema: { tags, security: bearer, summary: 'Help lines quoted in the caring reply to a member in distress' } }, async (request) => {
    if (!STAFF.has(callerOf(request).role)) throw new AppError('forbidden');
    return insight.helplines.get();
  });

  app.put<{ Body: { message?: string | null; helplines: Array<{ name: string; phone: string; note?: string }> } }>('/api/insight/helplines', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'Set the help lines and the opening words of the caring reply (admins)', body: helplineSettings },
  }, async (request) => {
    const caller = callerOf(request);
    if (caller.role !== 'admin') throw new AppError('forbidden');
    const { message = null, helplines } = request.body;
    return insight.helplines.set({ message: message?.trim() || null, helplines: helplines.map((h) => ({ name: h.name.trim(), phone: h.phone.trim(), ...(h.note?.trim() ? { note: h.note.trim() } : {}) })) }, caller.id);
  });

  app.post<{ Body: { texts: string[] } }>('/api/insight/sentiment', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'Score texts with the sentiment engine (staff)',
      body: { type: 'object', additionalProperties: false, required: ['texts'], properties: { texts: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 4000 } } } },
    },
  }, async (request) => {
    if (!STAFF.has(callerOf(request).role)) throw new AppError('forbidden');
    return { scores: request.body.texts.map((t) => insight.engine.score(t)) };
  });
}
