/**
 * HTTP routes of the Dharma domain (thin: schema, caller check, service, presenter): filter
 * categories, terms and allow-list; the review list; a dry-run check; the sutra corpus; automatic
 * reply rules and the compassion pool. Every admin edit bumps the area's version so every node
 * reloads without a restart. The caller's merit is served by members/routes.ts.
 */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { oversees, serves } from '../chat/access';
import { callerOf } from '../http/auth';
import { AppError } from '../core/errors';
import { bearer, OFFSET_MAX } from '../http/schemas';
import type { User } from '../identity/users';
import type { Dharma } from './index';
import { addAllowed, addTerm, listAllowed, listCategories, listTerms, removeAllowed, removeTerm, setCategoryAction } from './terms/store';
import { FILTER_ACTIONS, type FilterAction } from './terms/types';

const tags = ['dharma'];
const idParam = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['id'] } as const;
const numericId = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } as const;
const uuidParam = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-fA-F-]{36}$' } }, required: ['id'] } as const;
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;

function requireAdmin(user: User): void {
  if (user.role !== 'admin') throw new AppError('forbidden');
}
function requireOverseer(user: User): void {
  if (!oversees(user)) throw new AppError('forbidden');
}
function requireStaff(user: User): void {
  if (!oversees(user) && !serves(user)) throw new AppError('forbidden');
}

/** Registers /api/dharma/*. */
export async function dharmaRoutes(app: FastifyInstance, deps: { dharma: Dharma; authenticate: preHandlerHookHandler }): Promise<void> {
  const { dharma, authenticate } = deps;
  const db = dharma.db;
  // Until the shipped data is loaded (first start seeds it), these routes wait rather than answer from half a list.
  app.addHook('onRequest', async () => {
    await dharma.whenReady();
  });
  const admin = (summary: string, extra: Record<string, unknown> = {}) => ({ preHandler: authenticate, schema: { tags, security: bearer, summary, ...extra } });

  // ---- filter: categories, terms, allow-list ----
  app.get('/api/dharma/categories', admin('Filter categories with their action and term count (supervisors, admins)'), async (request) => {
    requireOverseer(callerOf(request));
    return { categories: await listCategories(db) };
  });

  app.put<{ Params: { id: string }; Body: { action: FilterAction } }>('/api/dharma/categories/:id', admin('Set what a category does: block, flag, mask or off (admins)', {
    params: idParam, body: { type: 'object', required: ['action'], additionalProperties: false, properties: { action: { type: 'string', enum: FILTER_ACTIONS } } },
  }), async (request) => {
    requireAdmin(callerOf(request));
    await setCategoryAction(db, request.params.id, request.body.action);
    await dharma.changed('filter');
    return { categories: await listCategories(db) };
  });

  app.get<{ Querystring: { category?: string; q?: string; enabled?: boolean; limit?: number; offset?: number } }>('/api/dharma/terms', admin('Terms, paged; curated terms are listed disabled with their reason (admins)', {
    querystring: { type: 'object', properties: { category: { type: 'string' }, q: { type: 'string', maxLength: 100 }, enabled: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 500 }, offset: { type: 'integer', minimum: 0, maximum: OFFSET_MAX } } },
  }), async (request) => {
    requireAdmin(callerOf(request));
    const { category, q, enabled, limit = 100, offset = 0 } = request.query;
    return listTerms(db, { category, search: q, enabled, limit, offset });
  });

  app.post<{ Body: { term: string; category?: string } }>('/api/dharma/terms', admin('Add a term (admins); applies at once on every node', {
    body: { type: 'object', required: ['term'], additionalProperties: false, properties: { term: text(100), category: { type: 'string', minLength: 1, maxLength: 40 } } },
  }), async (request, reply) => {
    requireAdmin(callerOf(request));
    const term = await addTerm(db, request.body.term.trim(), request.body.category ?? 'custom');
    await dharma.changed('filter');
    return reply.status(201).send({ term });
  });

  app.delete<{ Params: { id: number } }>('/api/dharma/terms/:id', admin('Remove (disable) a term (admins)', { params: numericId }), async (request) => {
    const user = callerOf(request);
    requireAdmin(user);
    await removeTerm(db, request.params.id, user.name);
    await dharma.changed('filter');
    return { ok: true };
  });

  app.get('/api/dharma/allow', admin('The allow-list of Buddhist and everyday terms (admins)'), async (request) => {
    requireAdmin(callerOf(request));
    return { terms: await listAllowed(db) };
  });

  app.post<{ Body: { term: string } }>('/api/dharma/allow', admin('Allow a term: it suppresses every listed term it covers (admins)', {
    body: { type: 'object', required: ['term'], additionalProperties: false, properties: { term: text(100) } },
  }), async (request, reply) => {
    requireAdmin(callerOf(request));
    const term = await addAllowed(db, request.body.term.trim());
    await dharma.changed('filter');
    return reply.status(201).send({ term });
  });

  app.delete<{ Params: { id: number } }>('/api/dharma/allow/:id', admin('Remove an allowed term (admins)', { params: numericId }), async (request) => {
    requireAdmin(callerOf(request));
    await removeAllowed(db, request.params.id);
    await dharma.changed('filter');
    return { ok: true };
  });

  // ---- dry run and review ----
  app.post<{ Body: { text: string } }>('/api/dharma/check', admin('What the filter and the citation check would do with a text (staff)', {
    body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: text(4000) } },
  }), async (request) => {
    requireStaff(callerOf(request));
    const [filter, citations] = await Promise.all([dharma.filter.check(request.body.text), dharma.citations.verifyText(request.body.text)]);
    return {
      filter: { blocked: filter.blocked, masked: filter.masked, flagged: filter.flagged, text: filter.text },
      citations,
    };
  });

  app.get<{ Querystring: { status?: 'open' | 'resolved'; limit?: number } }>('/api/dharma/reviews', admin('Flagged messages and members\' misquotes to review (supervisors, admins)', {
    querystring: { type: 'object', properties: { status: { type: 'string', enum: ['open', 'resolved'] }, limit: { type: 'integer', minimum: 1, maximum: 200 } } },
  }), async (request) => {
    requireOverseer(callerOf(request));
    return { reviews: await dharma.reviews.list(request.query.status ?? 'open', request.query.limit ?? 50) };
  });

  app.post<{ Params: { id: string } }>('/api/dharma/reviews/:id/resolve', admin('Mark a review item done (supervisors, admins)', { params: uuidParam }), async (request) => {
    const user = callerOf(request);
    requireOverseer(user);
    await dharma.reviews.resolve(request.params.id, user.id);
    return { ok: true };
  });

  // ---- corpus ----
  app.get('/api/dharma/sutras', admin('The sutra corpus citations are verified against'), async (request) => {
    callerOf(request);
    return { sutras: await dharma.citations.list() };
  });

  app.post<{ Body: { id: string; taisho?: string | null; title: string; aliases?: string[]; coverage?: 'full' | 'partial'; content: string } }>('/api/dharma/sutras', admin('Add a text to the corpus (admins)', {
    bodyLimit: 8 * 1024 * 1024,
    body: {
      type: 'object', required: ['id', 'title', 'content'], additionalProperties: false,
      properties: {
        id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' }, taisho: { type: ['string', 'null'], maxLength: 20 }, title: text(200),
        aliases: { type: 'array', maxItems: 50, items: text(60) }, coverage: { type: 'string', enum: ['full', 'partial'] }, content: text(4_000_000),
      },
    },
  }), async (request, reply) => {
    requireAdmin(callerOf(request));
    await dharma.citations.add(request.body);
    await dharma.changed('corpus');
    return reply.status(201).send({ sutra: (await dharma.citations.list()).find((s) => s.id === request.body.id) });
  });

  app.delete<{ Params: { id: string } }>('/api/dharma/sutras/:id', admin('Remove a text an admin added (admins)', { params: idParam }), async (request) => {
    requireAdmin(callerOf(request));
    await dharma.citations.remove(request.params.id);
    await dharma.changed('corpus');
    return { ok: true };
  });

  // ---- automatic replies ----
  const ruleBody = {
    type: 'object', additionalProperties: false,
    properties: { keywords: { type: 'array', minItems: 1, maxItems: 20, items: text(40) }, reply: text(1000), enabled: { type: 'boolean' }, position: { type: 'integer', minimum: 0, maximum: 10000 } },
  } as const;

  app.get('/api/dharma/rules', admin('Automatic reply rules (admins)'), async (request) => {
    requireAdmin(callerOf(request));
    return { rules: await dharma.autoReplies.listRules() };
  });

  app.post<{ Body: { keywords: string[]; reply: string; enabled?: boolean; position?: number } }>('/api/dharma/rules', admin('Add a rule; a misquote in the reply is refused with unverified_citation (admins)', {
    body: { ...ruleBody, required: ['keywords', 'reply'] },
  }), async (request, reply) => {
    requireAdmin(callerOf(request));
    const rule = await dharma.autoReplies.addRule(request.body);
    await dharma.changed('replies');
    return reply.status(201).send({ rule });
  });

  app.patch<{ Params: { id: string }; Body: { keywords?: string[]; reply?: string; enabled?: boolean; position?: number } }>('/api/dharma/rules/:id', admin('Change a rule (admins)', { params: uuidParam, body: ruleBody }), async (request) => {
    requireAdmin(callerOf(request));
    const rule = await dharma.autoReplies.updateRule(request.params.id, request.body);
    await dharma.changed('replies');
    return { rule };
  });

  app.delete<{ Params: { id: string } }>('/api/dharma/rules/:id', admin('Delete a rule (admins)', { params: uuidParam }), async (request) => {
    requireAdmin(callerOf(request));
    await dharma.autoReplies.deleteRule(request.params.id);
    await dharma.changed('replies');
    return { ok: true };
  });

  app.get('/api/dharma/compassion', admin('The compassion pool for members in low spirits (admins)'), async (request) => {
    requireAdmin(callerOf(request));
    return { entries: await dharma.autoReplies.listPool() };
  });

  app.post<{ Body: { text: string } }>('/api/dharma/compassion', admin('Add a compassion reply; quotes are verified (admins)', {
    body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: text(1000) } },
  }), async (request, reply) => {
    requireAdmin(callerOf(request));
    const entry = await dharma.autoReplies.addToPool(request.body.text);
    await dharma.changed('replies');
    return reply.status(201).send({ entry });
  });

  app.delete<{ Params: { id: string } }>('/api/dharma/compassion/:id', admin('Remove a compassion reply (admins)', { params: uuidParam }), async (request) => {
    requireAdmin(callerOf(request));
    await dharma.autoReplies.removeFromPool(request.params.id);
    await dharma.changed('replies');
    return { ok: true };
  });
}
