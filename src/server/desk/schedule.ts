/**
 * Shifts (customer_service_schedule) and holidays. An agent is on duty when a shift covers the
 * moment and the shop's local day is not a closed holiday.
 */
import { sql } from 'kysely';
import type { Holiday, Shift } from '../../shared/desk';
import type { Db } from '../db/database';
import { AppError } from '../core/errors';

/** SQL condition: user `u` is on a shift at `now` and the local day is not a closed holiday. */
export function onDutySql(now: Date, timezone: string) {
  const at = now.toISOString();
  return sql<boolean>`(
    EXISTS (SELECT 1 FROM customer_service_schedule s WHERE s.user_id = u.id AND s.shift_start <= ${at}::timestamptz AND s.shift_end > ${at}::timestamptz)
    AND NOT EXISTS (SELECT 1 FROM desk_holidays h WHERE h.closed AND h.day = (${at}::timestamptz AT TIME ZONE ${timezone})::date)
  )`;
}

export class ScheduleService {
  constructor(
    private readonly db: Db,
    private readonly timezone: string,
  ) {}

  /** Shifts overlapping [from, to), with the agent's name. */
  async list(from: Date, to: Date, userId?: string): Promise<Shift[]> {
    let q = this.db
      .selectFrom('customer_service_schedule as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.id', 's.user_id', 'u.name', 's.shift_start', 's.shift_end', 's.current_status'])
      .where('s.shift_end', '>', from)
      .where('s.shift_start', '<', to);
    if (userId) q = q.where('s.user_id', '=', userId);
    const rows = await q.orderBy('s.shift_start').execute();
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      userName: r.name,
      shiftStart: new Date(r.shift_start).toISOString(),
      shiftEnd: new Date(r.shift_end).toISOString(),
      currentStatus: r.current_status,
    }));
  }

  /** Adds a shift for an agent or master; overlapping shifts of the same person are refused. */
  async add(userId: string, start: Date, end: Date): Promise<Shift> {
    if (!(end > start)) throw new AppError('invalid', { field: 'shiftEnd', reason: 'must be after shiftStart' });
    if (end.getTime() - start.getTime() > 24 * 3600_000) throw new AppError('invalid', { field: 'shiftEnd', reason: 'a shift lasts at most 24 hours' });
    const user = await this.db.selectFrom('users').select(['role']).where('id', '=', userId).executeTakeFirst();
    if (!user || !['agent', 'master'].includes(user.role)) throw new AppError('invalid', { field: 'userId', reason: 'must be an agent or master' });
    const overlap = await this.db
      .selectFrom('customer_service_schedule')
      .select('id')
      .where('user_id', '=', userId)
      .where('shift_start', '<', end)
      .where('shift_end', '>', start)
      .executeTakeFirst();
    if (overlap) throw new AppError('conflict', { reason: 'overlapping_shift', shiftId: overlap.id });
    const row = await this.db
      .insertInto('customer_service_schedule')
      .values({ user_id: userId, shift_start: start, shift_end: end })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await this.list(start, end, userId)).find((s) => s.id === row.id)!;
  }

  /** Removes a shift. */
  async remove(id: string): Promise<void> {
    const r = await this.db.deleteFrom('customer_service_schedule').where('id', '=', id).executeTakeFirst();
    if (!r.numDeletedRows) throw new AppError('not_found');
  }

  /** Holidays from a day on. */
  async holidays(from?: string): Promise<Holiday[]> {
    let q = this.db.selectFrom('desk_holidays').select(['day', 'name', 'closed']);
    if (from) q = q.where('day', '>=', from);
    const rows = await q.orderBy('day').execute();
    return rows.map((r) => ({ day: typeof r.day === 'string' ? r.day.slice(0, 10) : isoDay(r.day as unknown as Date), name: r.name, closed: r.closed }));
  }

  /** Adds or replaces a holiday (closed: nobody is auto-assigned that local day). */
  async setHoliday(day: string, name: string, closed: boolean): Promise<Holiday> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) throw new AppError('invalid', { field: 'day', reason: 'YYYY-MM-DD' });
    await this.db
      .insertInto('desk_holidays')
      .values({ day, name, closed })
      .onConflict((oc) => oc.column('day').doUpdateSet({ name, closed }))
      .execute();
    return { day, name, closed };
  }

  /** Removes a holiday. */
  async removeHoliday(day: string): Promise<void> {
    await this.db.deleteFrom('desk_holidays').where('day', '=', day).execute();
  }

  /** True when the user is on duty at `now`. */
  async onDuty(userId: string, now: Date): Promise<boolean> {
    const r = await this.db
      .selectFrom('users as u')
      .select(onDutySql(now, this.timezone).as('on_duty'))
      .where('u.id', '=', userId)
      .executeTakeFirst();
    return Boolean(r?.on_duty);
  }

  /** Sets current_status of every shift: the person's presence while it covers `now`, else offline. */
  async syncAllCurrentStatus(now: Date): Promise<void> {
    const at = now.toISOString();
    await sql`
      UPDATE customer_service_schedule s
      SET current_status = CASE WHEN s.shift_start <= ${at}::timestamptz AND s.shift_end > ${at}::timestamptz THEN u.presence ELSE 'offline' END
      FROM users u
      WHERE u.id = s.user_id
        AND s.shift_end > ${at}::timestamptz - interval '1 day' AND s.shift_start < ${at}::timestamptz + interval '1 day'
        AND s.current_status IS DISTINCT FROM (CASE WHEN s.shift_start <= ${at}::timestamptz AND s.shift_end > ${at}::timestamptz THEN u.presence ELSE 'offline' END)`.execute(this.db);
  }

  /** Keeps the seed's current_status true: the status of shifts covering `now` follows presence. */
  async syncCurrentStatus(userId: string, status: 'online' | 'away' | 'offline', now: Date): Promise<void> {
    await this.db
      .updateTable('customer_service_schedule')
      .set({ current_status: status })
      .where('user_id', '=', userId)
      .where('shift_start', '<=', now)
      .where('shift_end', '>', now)
      .execute();
  }
}

function isoDay(d: Date): string {
  const y = d.getFullYear();
  const m = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${y}-${m}-${day}`;
}
