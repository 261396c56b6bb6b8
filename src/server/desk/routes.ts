/** HTTP routes of the service desk: presence, queues, shifts, holidays, agents, statistics, dashboard. */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { ASSIGNMENT_MODES, type AssignmentMode } from '../../shared/desk';
import { callerOf } from '../http/auth';
import { AppError } from '../core/errors';
import { bearer, dayString, uuidString } from '../http/schemas';
import { oversees } from '../chat/access';
import { roleGuards } from '../http/guards';
import type { Desk } from './desk';
import { statsToCsv } from './stats';

const tags = ['desk'];

/** Years a time may name: JavaScript reaches far past what a timestamptz column holds. */
const FIRST_TIME = Date.UTC(1, 0, 1);
const LAST_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
function parseDate(v: string | undefined, field: string, fallback: Date): Date {
  if (v === undefined) return fallback;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new AppError('invalid', { field, reason: 'an ISO-8601 time' });
  if (d.getTime() < FIRST_TIME || d.getTime() > LAST_TIME) throw new AppError('invalid', { field, reason: 'a time between the years 1 and 9999' });
  return d;
}
const uuidParams = { type: 'object', required: ['id'], properties: { id: uuidString } } as const;

/** Registers the desk routes. */
export async function deskRoutes(app: FastifyInstance, deps: { desk: Desk; authenticate: preHandlerHookHandler }) {
  const { desk, authenticate } = deps;
  const guard = roleGuards(authenticate);

  app.post<{ Body: { status: 'online' | 'away' | 'offline' } }>('/api/presence', {
    preHandler: authenticate,
    schema: { tags, security: bearer, summary: 'Set my presence (agents and masters)', body: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['online', 'away', 'offline'] } } } },
  }, async (request) => ({ status: await desk.presence.choose(callerOf(request), request.body.status) }));

  app.get('/api/presence', { preHandler: guard.staff, schema: { tags, security: bearer, summary: 'Everyone who serves, with presence and load' } }, async () => {
    return { agents: await desk.presence.roster() };
  });

  app.get('/api/queues', { preHandler: guard.staff, schema: { tags, security: bearer, summary: 'Queues and their assignment modes' } }, async () => ({ queues: await desk.settings.queues() }));

  app.patch<{ Params: { id: string }; Body: { assignmentMode?: AssignmentMode; keywords?: string[]; skill?: string | null } }>('/api/queues/:id', {
    preHandler: guard.overseer,
    schema: {
      tags, security: bearer, summary: 'Change a queue (supervisors)',
      body: { type: 'object', properties: { assignmentMode: { type: 'string', enum: ASSIGNMENT_MODES }, keywords: { type: 'array', items: { type: 'string', minLength: 1 } }, skill: { type: ['string', 'null'] } } },
    },
  }, async (request) => {
    await desk.settings.changeQueue(request.params.id, request.body);
    return { ok: true };
  });

  app.patch<{ Params: { id: string }; Body: { maxConcurrent?: number; skills?: string[]; languages?: string[]; tier?: string } }>('/api/users/:id', {
    preHandler: guard.overseer,
    schema: {
      tags, security: bearer, summary: 'Capacity, skills and languages of an agent; tier of a member (supervisors)',
      params: uuidParams,
      body: {
        type: 'object',
        properties: {
          maxConcurrent: { type: 'integer', minimum: 0, maximum: 100 },
          skills: { type: 'array', items: { type: 'string' } },
          languages: { type: 'array', items: { type: 'string' } },
          tier: { type: 'string', enum: ['regular', 'silver', 'gold', 'vip'] },
        },
      },
    },
  }, async (request) => {
    await desk.settings.changePerson(request.params.id, request.body);
    return { ok: true };
  });

  app.get<{ Querystring: { from?: string; to?: string; userId?: string } }>('/api/schedules', {
    preHandler: guard.staff,
    schema: { tags, security: bearer, summary: 'Shifts overlapping a period (default: this week)', querystring: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, userId: uuidString } } },
  }, async (request) => {
    const user = callerOf(request);
    const from = parseDate(request.query.from, 'from', new Date(Date.now() - 7 * 86400_000));
    const to = parseDate(request.query.to, 'to', new Date(from.getTime() + 14 * 86400_000));
    // Agents see their own shifts; supervisors everyone's.
    const userId = oversees(user) ? request.query.userId : user.id;
    return { shifts: await desk.schedule.list(from, to, userId) };
  });

  app.post<{ Body: { userId: string; shiftStart: string; shiftEnd: string } }>('/api/schedules', {
    preHandler: guard.overseer,
    schema: {
      tags, security: bearer, summary: 'Add a shift (supervisors)',
      body: { type: 'object', required: ['userId', 'shiftStart', 'shiftEnd'], properties: { userId: uuidString, shiftStart: { type: 'string' }, shiftEnd: { type: 'string' } } },
    },
  }, async (request, reply) => {
    const b = request.body;
    const shift = await desk.schedule.add(b.userId, parseDate(b.shiftStart, 'shiftStart', new Date()), parseDate(b.shiftEnd, 'shiftEnd', new Date()));
    void desk.requestAssignment('shift');
    return reply.status(201).send({ shift });
  });

  app.delete<{ Params: { id: string } }>('/api/schedules/:id', { preHandler: guard.overseer, schema: { tags, security: bearer, summary: 'Remove a shift (supervisors)' } }, async (request) => {
    if (!/^[0-9a-f-]{36}$/i.test(request.params.id)) throw new AppError('not_found');
    await desk.schedule.remove(request.params.id);
    return { ok: true };
  });

  app.get('/api/holidays', { preHandler: guard.staff, schema: { tags, security: bearer, summary: 'Holidays and closed days' } }, async () => {
    return { holidays: await desk.schedule.holidays() };
  });

  app.put<{ Params: { day: string }; Body: { name: string; closed?: boolean } }>('/api/holidays/:day', {
    preHandler: guard.overseer,
    schema: { tags, security: bearer, summary: 'Set a holiday (supervisors)', body: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, closed: { type: 'boolean' } } } },
  }, async (request) => {
    return { holiday: await desk.schedule.setHoliday(request.params.day, request.body.name, request.body.closed ?? true) };
  });

  app.delete<{ Params: { day: string } }>('/api/holidays/:day', { preHandler: guard.overseer, schema: { tags, security: bearer, summary: 'Remove a holiday (supervisors)', params: { type: 'object', required: ['day'], properties: { day: dayString } } } }, async (request) => {
    await desk.schedule.removeHoliday(request.params.day);
    return { ok: true };
  });

  app.get<{ Querystring: { from?: string; to?: string; format?: 'json' | 'csv' } }>('/api/stats/agents', {
    preHandler: guard.overseer,
    config: { apiKeyScope: 'stats:read' },
    schema: { tags, security: bearer, summary: 'Efficiency per agent and day (JSON or CSV)', querystring: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string', enum: ['json', 'csv'] } } } },
  }, async (request, reply) => {
    const to = parseDate(request.query.to, 'to', new Date(Date.now() + 60_000));
    const from = parseDate(request.query.from, 'from', new Date(to.getTime() - 7 * 86400_000));
    const rows = await desk.stats.perAgentDay(from, to);
    if (request.query.format === 'csv') {
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="lotusdesk-agent-stats.csv"').send(statsToCsv(rows));
    }
    return { stats: rows };
  });

  app.get<{ Querystring: { from?: string; to?: string } }>('/api/stats/ratings', {
    preHandler: guard.overseer,
    schema: { tags, security: bearer, summary: 'Satisfaction per agent, per queue and overall (supervisors; default the last 30 days)', querystring: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' } } } },
  }, async (request) => {
    const to = parseDate(request.query.to, 'to', new Date(Date.now() + 60_000));
    const from = parseDate(request.query.from, 'from', new Date(to.getTime() - 30 * 86400_000));
    return { stats: await desk.stats.ratings(from, to) };
  });

  app.get('/api/dashboard', { preHandler: guard.overseer, config: { apiKeyScope: 'stats:read' }, schema: { tags, security: bearer, summary: 'Dashboard snapshot (live updates arrive as `desk` frames)' } }, async () => {
    return { snapshot: await desk.stats.snapshot() };
  });
}
