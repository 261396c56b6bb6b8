/**
 * HTTP routes of masters on duty and the holy-day calendar (PROTOCOL part 2): the calendar and
 * the festival list (admins edit it), the duty settings and windows (supervisors), and the duty
 * status every signed-in user may read (members see the mode, staff also who is on duty).
 */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { DUTY_HOLY_DAYS, type DutySettingsDto } from '../../shared/duty';
import { oversees, serves } from '../chat/access';
import type { Clock } from '../core/clock';
import { callerOf } from '../http/auth';
import { AppError } from '../core/errors';
import { bearer, errorBody } from '../http/schemas';
import type { User } from '../identity/users';
import type { DutyService } from './duty';
import { deskDay, isIsoDay } from './holy-days';

export interface DutyRouteDeps {
  duty: DutyService;
  clock: Clock;
  timezone: string;
  authenticate: preHandlerHookHandler;
  /** Told when the mode may have changed (a window or the settings), so waiting chats are offered again. */
  onChange: () => void;
}

const tags = ['duty'];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };
const idParam = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-fA-F-]{36}$' } }, required: ['id'] } as const;
const festivalBody = {
  type: 'object',
  additionalProperties: false,
  properties: { lunarMonth: { type: 'integer', minimum: 1, maximum: 12 }, lunarDay: { type: 'integer', minimum: 1, maximum: 30 }, name: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } },
} as const;

function requireStaff(user: User): void {
  if (!oversees(user) && !serves(user)) throw new AppError('forbidden');
}
function requireOverseer(user: User): void {
  if (!oversees(user)) throw new AppError('forbidden');
}
function requireAdmin(user: User): void {
  if (user.role !== 'admin') throw new AppError('forbidden');
}
function time(v: string, field: string): Date {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new AppError('invalid', { field, reason: 'an ISO-8601 time' });
  return d;
}

/** Registers the calendar and duty routes. */
export async function dutyRoutes(app: FastifyInstance, deps: DutyRouteDeps): Promise<void> {
  const { duty, clock, timezone, authenticate, onChange } = deps;

  app.get<{ Querystring: { from?: string; to?: string } }>('/api/calendar/holy-days', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'Buddhist holy days (lunar 1st and 15th, festivals) between two days, at most 400 (default: the next 30 days)',
      querystring: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' } } },
      response: { 400: errorBody, 401: errorBody },
    },
  }, async (request) => {
    callerOf(request);
    const from = request.query.from ?? deskDay(clock.now(), timezone);
    // Without `to`, thirty days from a valid `from` (an invalid one is refused by the service).
    const to = request.query.to ?? (isIsoDay(from) ? new Date(Date.parse(`${from}T00:00:00Z`) + 29 * 86400_000).toISOString().slice(0, 10) : from);
    return { days: await duty.holyDays(from, to) };
  });

  app.get('/api/calendar/festivals', { preHandler: authenticate, schema: { tags, security: bearer, summary: 'The festival list (staff)', response: errors } }, async (request) => {
    requireStaff(callerOf(request));
    return { festivals: await duty.festivals() };
  });

  app.post<{ Body: { lunarMonth: number; lunarDay: number; name: string } }>('/api/calendar/festivals', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'Add a festival (admins)', body: { ...festivalBody, required: ['lunarMonth', 'lunarDay', 'name'] }, response: errors },
  }, async (request, reply) => {
    requireAdmin(callerOf(request));
    const festival = await duty.addFestival(request.body);
    onChange();
    return reply.status(201).send({ festival });
  });

  app.patch<{ Params: { id: string }; Body: { lunarMonth?: number; lunarDay?: number; name?: string } }>('/api/calendar/festivals/:id', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'Change a festival (admins)', params: idParam, body: festivalBody, response: errors },
  }, async (request) => {
    requireAdmin(callerOf(request));
    const festival = await duty.updateFestival(request.params.id, request.body);
    onChange();
    return { festival };
  });

  app.delete<{ Params: { id: string } }>('/api/calendar/festivals/:id', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'Remove a festival (admins)', params: idParam, response: errors },
  }, async (request) => {
    requireAdmin(callerOf(request));
    await duty.removeFestival(request.params.id);
    onChange();
    return { ok: true };
  });

  app.get('/api/desk/duty', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'Whether a Dharma master is on duty now, why and until when; staff also see who', response: { 401: errorBody } },
  }, async (request) => {
    const user = callerOf(request);
    return duty.status(clock.now(), oversees(user) || serves(user));
  });

  app.get('/api/desk/duty-settings', { preHandler: authenticate, schema: { tags, security: bearer, summary: 'Duty settings (staff)', response: errors } }, async (request) => {
    requireStaff(callerOf(request));
    return { settings: await duty.settings() };
  });

  app.patch<{ Body: Partial<DutySettingsDto> }>('/api/desk/duty-settings', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'Which holy days put masters on duty, and how long chats wait for a master (supervisors)',
      body: { type: 'object', additionalProperties: false, properties: { holyDays: { type: 'string', enum: [...DUTY_HOLY_DAYS] }, masterFirstSeconds: { type: 'integer', minimum: 0, maximum: 86400 } } },
      response: errors,
    },
  }, async (request) => {
    requireOverseer(callerOf(request));
    const settings = await duty.setSettings(request.body);
    onChange();
    return { settings };
  });

  app.get('/api/desk/duty-windows', { preHandler: authenticate, schema: { tags, security: bearer, summary: 'On-duty windows not yet ended (staff)', response: errors } }, async (request) => {
    requireStaff(callerOf(request));
    return { windows: await duty.windows(clock.now()) };
  });

  app.post<{ Body: { from: string; to: string; reason: string } }>('/api/desk/duty-windows', {
    preHandler: authenticate,
    schema: {
      tags, security: bearer, summary: 'Add a period when masters are on duty (supervisors)',
      body: { type: 'object', additionalProperties: false, required: ['from', 'to', 'reason'], properties: { from: { type: 'string' }, to: { type: 'string' }, reason: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } } },
      response: errors,
    },
  }, async (request, reply) => {
    const user = callerOf(request);
    requireOverseer(user);
    const window = await duty.addWindow(time(request.body.from, 'from'), time(request.body.to, 'to'), request.body.reason, user.id);
    onChange();
    return reply.status(201).send({ window });
  });

  app.delete<{ Params: { id: string } }>('/api/desk/duty-windows/:id', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'Remove an on-duty window (supervisors)', params: idParam, response: errors },
  }, async (request) => {
    requireOverseer(callerOf(request));
    await duty.removeWindow(request.params.id);
    onChange();
    return { ok: true };
  });
}
