/**
 * HTTP routes of the trust domain (docs/PROTOCOL.md part 2, "Trust"): the audit log (admins),
 * attestation of chats (supervisors and admins attest; staff who may see a chat read its status
 * and export its bundle), and the transparency log's head, proofs and keys (no token: they reveal
 * only hashes).
 */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { assertVisible, oversees } from '../chat/access';
import type { ChatService } from '../chat/chat-service';
import { callerOf } from '../http/auth';
import { AppError } from '../core/errors';
import { bearer, errorBody } from '../http/schemas';
import type { User } from '../identity/users';
import { auditToCsv, chatTarget, type AuditEntry, type AuditFilter } from './audit-log';
import type { Trust } from './trust';

export interface TrustRouteDeps {
  trust: Trust;
  chats: ChatService;
  authenticate: preHandlerHookHandler;
}

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };
const idParam = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const hex = { type: 'string' } as const;
/** Rows one export may hold: far above a year of a desk's staff actions, below what would tie up a node. */
const EXPORT_MAX = 100_000;

const auditEntryObject = {
  type: 'object',
  properties: {
    seq: { type: 'integer' }, at: { type: 'string' }, actorId: { type: ['string', 'null'] }, actorRole: { type: 'string' }, action: { type: 'string' },
    target: { type: ['string', 'null'] }, details: { type: 'object', additionalProperties: true }, prevHash: hex, hash: hex,
  },
} as const;
const filterProperties = {
  actorId: { type: 'string', pattern: UUID_PATTERN },
  action: { type: 'string', minLength: 1, maxLength: 100 },
  chatId: { type: 'string', pattern: UUID_PATTERN },
  from: { type: 'string', minLength: 1, maxLength: 40 },
  to: { type: 'string', minLength: 1, maxLength: 40 },
} as const;
const headObject = {
  type: 'object',
  properties: { treeSize: { type: 'integer' }, rootHash: hex, timestamp: { type: 'string' }, signature: { type: 'string' }, publicKey: { type: 'string' } },
} as const;
const entryObject = { type: 'object', properties: { index: { type: 'integer' }, leafHash: hex, treeSize: { type: 'integer' }, attestedAt: { type: 'string' } } } as const;

type FilterQuery = { after?: number; limit?: number; actorId?: string; action?: string; chatId?: string; from?: string; to?: string };

function requireAdmin(user: User): void {
  if (user.role !== 'admin') throw new AppError('forbidden');
}

function time(v: string | undefined, field: string): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new AppError('invalid', { field, reason: 'an ISO-8601 time' });
  return d;
}

function filterOf(q: FilterQuery): AuditFilter {
  return { after: q.after, limit: q.limit, actorId: q.actorId, action: q.action, chatId: q.chatId?.toLowerCase(), from: time(q.from, 'from'), to: time(q.to, 'to') };
}

/** Registers the audit, attestation and transparency-log routes. */
export async function trustRoutes(app: FastifyInstance, { trust, chats, authenticate }: TrustRouteDeps): Promise<void> {
  const tags = ['trust'];

  /** Staff who may see the chat (members get not_found, like every staff-only view of a chat). */
  const staffChat = async (user: User, chatId: string) => {
    if (user.role === 'member') throw new AppError('not_found');
    const facts = await chats.factsOf(chatId);
    assertVisible(user, facts);
    return facts;
  };

  app.get<{ Querystring: FilterQuery }>('/api/audit', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'Audit entries, ascending seq, filtered (admins)',
      querystring: { type: 'object', additionalProperties: false, properties: { after: { type: 'integer', minimum: 0 }, limit: { type: 'integer', minimum: 1, maximum: 500 }, ...filterProperties } },
      response: { 200: { type: 'object', properties: { entries: { type: 'array', items: auditEntryObject } } }, ...errors },
    },
  }, async (request) => {
    requireAdmin(callerOf(request));
    return { entries: await trust.audit.list(filterOf(request.query)) };
  });

  app.get('/api/audit/head', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'The newest audit entry’s seq and hash (admins)', response: { 200: { type: 'object', properties: { seq: { type: 'integer' }, hash: hex } }, ...errors } },
  }, async (request) => {
    requireAdmin(callerOf(request));
    return trust.audit.head();
  });

  app.get('/api/audit/verify', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'Recomputes the whole hash chain (admins)',
      response: {
        200: {
          type: 'object',
          properties: {
            ok: { type: 'boolean' }, checked: { type: 'integer' }, head: { type: 'object', properties: { seq: { type: 'integer' }, hash: hex } },
            broken: { type: 'object', properties: { seq: { type: 'integer' }, reason: { type: 'string' } } },
          },
        },
        ...errors,
      },
    },
  }, async (request) => {
    requireAdmin(callerOf(request));
    return trust.audit.verify();
  });

  app.get<{ Querystring: Omit<FilterQuery, 'after' | 'limit'> }>('/api/audit/export', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'Audit entries as CSV, spreadsheet formulas neutralised (admins)', querystring: { type: 'object', additionalProperties: false, properties: filterProperties } },
  }, async (request, reply) => {
    const user = callerOf(request);
    requireAdmin(user);
    const filter = filterOf(request.query);
    const entries: AuditEntry[] = [];
    for (;;) {
      const page = await trust.audit.list({ ...filter, after: entries.at(-1)?.seq ?? 0, limit: 500 });
      entries.push(...page);
      if (page.length < 500 || entries.length >= EXPORT_MAX) break;
    }
    await trust.record(user, 'audit.export', null, { filter: request.query, rows: entries.length });
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="lotusdesk-audit.csv"').send(auditToCsv(entries.slice(0, EXPORT_MAX)));
  });

  app.post<{ Params: { id: string } }>('/api/chats/:id/attest', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'Attest a chat in the transparency log (supervisors, admins)', params: idParam, response: { 201: { type: 'object', properties: { entry: entryObject } }, ...errors } },
  }, async (request, reply) => {
    const user = callerOf(request);
    await staffChat(user, request.params.id);
    if (!oversees(user)) throw new AppError('forbidden');
    const chatId = request.params.id.toLowerCase();
    const entry = await trust.attestations.attestChat(chatId);
    await trust.record(user, 'chat.attest', chatTarget(chatId), { index: entry.index, leafHash: entry.leafHash });
    return reply.status(201).send({ entry });
  });

  app.get<{ Params: { id: string } }>('/api/chats/:id/attestation', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'Whether the chat as stored still matches its latest attested leaf (staff)', params: idParam,
      response: { 200: { type: 'object', properties: { entries: { type: 'array', items: entryObject }, matches: { type: 'boolean' } } }, ...errors },
    },
  }, async (request) => {
    await staffChat(callerOf(request), request.params.id);
    return trust.attestations.status(request.params.id.toLowerCase());
  });

  app.get<{ Params: { id: string } }>('/api/chats/:id/attestation/bundle', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'The chat’s latest leaf with its inclusion proof, signed head and public key, for `npm run verify` (staff)', params: idParam },
  }, async (request, reply) => {
    const user = callerOf(request);
    await staffChat(user, request.params.id);
    const chatId = request.params.id.toLowerCase();
    const bundle = await trust.attestations.bundle(chatId);
    if (!bundle) throw new AppError('not_found', { reason: 'not_attested' });
    await trust.record(user, 'attestation.export', chatTarget(chatId), { index: bundle.index, treeSize: bundle.treeSize });
    return reply.header('content-disposition', `attachment; filename="lotusdesk-attestation-${chatId}.json"`).send(bundle);
  });

  app.get('/api/attestation/head', {
    schema: { tags, summary: 'The newest signed tree head (no token)', response: { 200: headObject } },
  }, async () => (await trust.log.latestHead()) ?? (await trust.log.signHead()).head);

  app.get('/api/attestation/keys', {
    schema: { tags, summary: 'Every key that has signed heads, and the current one (no token)' },
  }, async () => ({ keys: await trust.log.keys() }));

  app.get<{ Params: { index: number } }>('/api/attestation/entries/:index', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'One leaf of the log (staff)',
      params: { type: 'object', properties: { index: { type: 'integer', minimum: 0 } }, required: ['index'] },
      response: { 200: { type: 'object', properties: { index: { type: 'integer' }, leaf: { type: 'string' }, leafHash: hex } }, ...errors },
    },
  }, async (request) => {
    if (callerOf(request).role === 'member') throw new AppError('forbidden');
    const leaf = await trust.log.leaf(request.params.index);
    if (!leaf) throw new AppError('not_found');
    return { index: leaf.index, leaf: Buffer.from(leaf.leaf, 'utf8').toString('base64'), leafHash: leaf.leafHash };
  });

  app.get<{ Querystring: { index: number; treeSize?: number } }>('/api/attestation/proof', {
    schema: {
      tags, summary: 'Inclusion proof of a leaf in a tree size (no token; treeSize defaults to the newest signed head)',
      querystring: { type: 'object', required: ['index'], properties: { index: { type: 'integer', minimum: 0 }, treeSize: { type: 'integer', minimum: 1 } } },
      response: { 200: { type: 'object', properties: { index: { type: 'integer' }, treeSize: { type: 'integer' }, leafHash: hex, auditPath: { type: 'array', items: hex } } }, 400: errorBody },
    },
  }, async (request) => {
    const { index } = request.query;
    const treeSize = request.query.treeSize ?? (await trust.log.latestHead())?.treeSize ?? 0;
    if (index >= treeSize || treeSize > (await trust.log.size())) throw new AppError('invalid', { reason: 'index must be below treeSize, and treeSize at most the log size' });
    return { index, treeSize, ...(await trust.log.inclusion(index, treeSize)) };
  });

  app.get<{ Querystring: { first: number; second: number } }>('/api/attestation/consistency', {
    schema: {
      tags, summary: 'Consistency proof between two tree sizes (no token)',
      querystring: { type: 'object', required: ['first', 'second'], properties: { first: { type: 'integer', minimum: 1 }, second: { type: 'integer', minimum: 1 } } },
      response: { 200: { type: 'object', properties: { first: { type: 'integer' }, second: { type: 'integer' }, proof: { type: 'array', items: hex } } }, 400: errorBody },
    },
  }, async (request) => {
    const { first, second } = request.query;
    if (first > second || second > (await trust.log.size())) throw new AppError('invalid', { reason: 'need 1 ≤ first ≤ second ≤ the log size' });
    return { first, second, proof: await trust.log.consistency(first, second) };
  });
}
