/**
 * HTTP routes of the members domain (thin: schema, caller check, service): merit levels, the
 * caller's merit and leaderboard choice, the daily leaderboard, a member's standing for staff,
 * 三寶 certification, exclusive offers (PROTOCOL part 2, "Members and merit").
 */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { Certification, MeritLevel } from '../../shared/members';
import type { MemberChats } from '../chat/member-chats';
import { callerOf } from '../http/auth';
import { AppError } from '../core/errors';
import { bearer } from '../http/schemas';
import type { User } from '../identity/users';
import type { CertificationInput } from './certifications';
import type { Members } from './index';
import { MAX_BENEFITS, MAX_LEVELS } from './levels';
import { MAX_ALIAS } from './leaderboard';
import type { OfferInput } from './offers';

const tags = ['members'];
const str = (min: number, max: number) => ({ type: 'string', minLength: min, maxLength: max }) as const;
const localized = (max: number) =>
  ({ type: 'object', required: ['zh-TW', 'zh-CN', 'en'], additionalProperties: false, properties: { 'zh-TW': str(1, max), 'zh-CN': str(1, max), en: str(1, max) } }) as const;
const levelSchema = {
  type: 'object',
  required: ['id', 'name', 'minMerit'],
  additionalProperties: false,
  properties: { id: str(1, 40), name: localized(40), minMerit: { type: 'integer', minimum: 0, maximum: 100_000_000 }, benefits: { type: 'array', maxItems: MAX_BENEFITS, items: localized(200) } },
} as const;
const idParam = { type: 'object', properties: { id: str(1, 64) }, required: ['id'] } as const;
const offerBody = {
  type: 'object',
  required: ['title', 'minLevel', 'code', 'startsAt', 'endsAt'],
  additionalProperties: false,
  properties: { title: str(1, 100), body: { type: 'string', maxLength: 2000 }, minLevel: str(1, 40), code: str(1, 64), startsAt: str(1, 40), endsAt: str(1, 40) },
} as const;

function requireAdmin(user: User): void {
  if (user.role !== 'admin') throw new AppError('forbidden');
}
function requireMember(user: User): void {
  if (user.role !== 'member') throw new AppError('forbidden');
}

/** Registers /api/merit/*, /api/members/:id/standing, /api/certifications*, /api/offers*. */
export async function membersRoutes(app: FastifyInstance, deps: { members: Members; memberChats: MemberChats; authenticate: preHandlerHookHandler }): Promise<void> {
  const { members, memberChats, authenticate } = deps;
  const route = (summary: string, extra: Record<string, unknown> = {}) => ({ preHandler: authenticate, schema: { tags, security: bearer, summary, ...extra } });

  // ---- levels and merit ----
  app.get('/api/merit/levels', route('Merit levels, ascending by the merit they start at'), async () => ({ levels: await members.levels.list() }));

  app.put<{ Body: { levels: MeritLevel[] } }>('/api/merit/levels', route('Replace the merit levels (admins); the first starts at 0, thresholds rise strictly', {
    body: { type: 'object', required: ['levels'], additionalProperties: false, properties: { levels: { type: 'array', minItems: 1, maxItems: MAX_LEVELS, items: levelSchema } } },
  }), async (request) => {
    requireAdmin(callerOf(request));
    return { levels: await members.levels.replace(request.body.levels.map((l) => ({ ...l, benefits: l.benefits ?? [] }))) };
  });

  app.get<{ Querystring: { limit?: number } }>('/api/merit/me', route('My merit 功德: total, level, progress to the next, the ledger with the parts of each sum, the levels reached', {
    querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 200 } } },
  }), async (request) => members.meritOf(callerOf(request).id, request.query.limit ?? 20));

  // ---- leaderboard ----
  app.get('/api/merit/me/leaderboard', route('Whether I appear on the daily leaderboard, and as whom'), async (request) => members.leaderboard.choice(callerOf(request)));

  app.put<{ Body: { optIn: boolean; alias?: string } }>('/api/merit/me/leaderboard', route('Appear on the daily leaderboard (opt-in) under an alias (default: my masked name)', {
    body: { type: 'object', required: ['optIn'], additionalProperties: false, properties: { optIn: { type: 'boolean' }, alias: { type: 'string', maxLength: MAX_ALIAS * 2 } } },
  }), async (request) => members.leaderboard.choose(callerOf(request), request.body.optIn, request.body.alias));

  app.get<{ Querystring: { date?: string } }>('/api/merit/leaderboard', route('Merit earned on a desk-time day by the members who opted in, top 100 (ties share a rank), by alias', {
    querystring: { type: 'object', properties: { date: { type: 'string', maxLength: 10 } } },
  }), async (request) => {
    callerOf(request);
    return members.leaderboard.of(request.query.date);
  });

  // ---- a member's standing, for staff beside a chat ----
  app.get<{ Params: { id: string } }>('/api/members/:id/standing', route("A member's certification and merit level (staff serving the member, supervisors, admins)", { params: idParam }), async (request) => {
    await memberChats.assertMayLook(callerOf(request), request.params.id);
    return { standing: await members.standingOf(request.params.id) };
  });

  // ---- 三寶 certification ----
  app.post<{ Body: CertificationInput }>('/api/certifications', route('Apply for 三寶 (refuge) certification with photos of the certificate (members)', {
    body: {
      type: 'object',
      required: ['refugeDate', 'refugeTemple', 'master', 'attachments'],
      additionalProperties: false,
      properties: {
        refugeDate: str(10, 10), refugeTemple: str(1, 100), master: str(1, 60), dharmaName: { type: ['string', 'null'], maxLength: 30 }, note: { type: ['string', 'null'], maxLength: 500 },
        attachments: { type: 'array', minItems: 1, maxItems: 5, items: str(1, 64) },
      },
    },
  }), async (request, reply) => {
    requireMember(callerOf(request));
    return reply.status(201).send({ certification: await members.certifications.apply(callerOf(request), request.body) });
  });

  app.get('/api/certifications/me', route('My certification applications, newest first, and whether I am certified'), async (request) => {
    const user = callerOf(request);
    const certifications = await members.certifications.mine(user);
    return { certified: certifications.some((c) => c.status === 'approved'), certification: certifications[0] ?? null, certifications };
  });

  app.get<{ Querystring: { status?: Certification['status']; limit?: number } }>('/api/certifications', route('Certification applications by status; pending oldest first (masters, admins)', {
    querystring: { type: 'object', properties: { status: { type: 'string', enum: ['pending', 'approved', 'rejected'] }, limit: { type: 'integer', minimum: 1, maximum: 200 } } },
  }), async (request) => ({ certifications: await members.certifications.list(callerOf(request), request.query.status, request.query.limit ?? 50) }));

  app.post<{ Params: { id: string }; Body: { approve: boolean; reason?: string } }>('/api/certifications/:id/decision', route('Approve or reject a waiting application; a rejection gives a reason (masters, admins)', {
    params: idParam,
    body: { type: 'object', required: ['approve'], additionalProperties: false, properties: { approve: { type: 'boolean' }, reason: { type: 'string', maxLength: 500 } } },
  }), async (request) => ({ certification: await members.certifications.decide(callerOf(request), request.params.id, request.body.approve, request.body.reason ?? null) }));

  // ---- exclusive offers ----
  app.post<{ Body: OfferInput }>('/api/offers', route('Create an offer for a level and above, with its code and period (admins)', { body: offerBody }), async (request, reply) => {
    const user = callerOf(request);
    requireAdmin(user);
    return reply.status(201).send({ offer: await members.offers.create(user, request.body) });
  });

  app.get('/api/offers', route('Members: the active offers of their level and below. Admins: every offer with its code and claims'), async (request) => {
    const user = callerOf(request);
    if (user.role === 'admin') return { offers: await members.offers.all() };
    requireMember(user);
    return { offers: await members.offers.forMember(user, await members.openLevels(user.id)) };
  });

  app.put<{ Params: { id: string }; Body: OfferInput }>('/api/offers/:id', route('Replace an offer (admins)', { params: idParam, body: offerBody }), async (request) => {
    requireAdmin(callerOf(request));
    return { offer: await members.offers.update(request.params.id, request.body) };
  });

  app.delete<{ Params: { id: string } }>('/api/offers/:id', route('Delete an offer and its claims (admins)', { params: idParam }), async (request) => {
    requireAdmin(callerOf(request));
    await members.offers.remove(request.params.id);
    return { ok: true };
  });

  app.post<{ Params: { id: string } }>('/api/offers/:id/claim', route("Claim an offer of my level: its code (the same again on a repeat; 403 below the offer's level)", { params: idParam }), async (request) => {
    const user = callerOf(request);
    requireMember(user);
    return members.offers.claim(user, request.params.id, await members.openLevels(user.id));
  });
}
