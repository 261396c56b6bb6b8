/**
 * Role guards declared on a route, as pre-handlers after authentication: a route says who may
 * call it (`preHandler: guards.staff`), and the handler runs only for them (403 otherwise).
 */
import type { FastifyRequest, preHandlerHookHandler } from 'fastify';
import { oversees, serves } from '../chat/access';
import { AppError } from '../core/errors';
import type { User } from '../identity/users';
import { callerOf } from './auth';

/** Who a guard lets through. */
export type Audience = 'staff' | 'overseer';

const ALLOWS: Record<Audience, (user: User) => boolean> = {
  staff: (user) => oversees(user) || serves(user),
  overseer: (user) => oversees(user),
};

/** Authentication then the role check, for each audience. */
export function roleGuards(authenticate: preHandlerHookHandler): Record<Audience, preHandlerHookHandler[]> {
  const only = (audience: Audience): preHandlerHookHandler =>
    async function roleGuard(request: FastifyRequest) {
      if (!ALLOWS[audience](callerOf(request))) throw new AppError('forbidden');
    };
  return { staff: [authenticate, only('staff')], overseer: [authenticate, only('overseer')] };
}
