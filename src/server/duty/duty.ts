/**
 * Masters on duty (法師值班): the holy-day calendar with its editable festival list, the duty
 * settings and the windows supervisors add, and the present duty mode. While the mode is on,
 * Dharma-topic chats go to masters first (desk/assignment.ts asks `mode`); a chat in distress
 * goes to masters first at any time.
 */
import { sql } from 'kysely';
import type { DutyHolyDays, DutySettingsDto, DutyStatusDto, DutyWindowDto, FestivalDto, HolyDayDto } from '../../shared/duty';
import type { PresenceStatus } from '../../shared/desk';
import type { Db } from '../db/database';
import { AppError } from '../core/errors';
import { daySpan, deskDay, deskDayStart, holyDays, isIsoDay, MAX_RANGE_DAYS, nextDay, type FestivalRule } from './holy-days';

/** The duty mode at a moment, as the assignment uses it. */
export interface DutyMode {
  active: boolean;
  reason: 'festival' | 'fast' | 'window' | null;
  until: Date | null;
  holyDay: HolyDayDto | null;
  /** How long a masters-first chat waits for a master before agents may take it. */
  masterFirstMs: number;
}

const MAX_NAME = 100;

export class DutyService {
  constructor(
    private readonly db: Db,
    private readonly timezone: string,
  ) {}

  /** The festival list, by lunar date. */
  async festivals(): Promise<FestivalDto[]> {
    const rows = await this.db.selectFrom('holy_day_festivals').select(['id', 'lunar_month', 'lunar_day', 'name']).orderBy('lunar_month').orderBy('lunar_day').orderBy('name').execute();
    return rows.map((r) => ({ id: r.id, lunarMonth: r.lunar_month, lunarDay: r.lunar_day, name: r.name }));
  }

  /** Adds a festival (admins). */
  async addFestival(f: { lunarMonth: number; lunarDay: number; name: string }): Promise<FestivalDto> {
    const v = validFestival(f);
    const row = await this.db.insertInto('holy_day_festivals').values({ lunar_month: v.lunarMonth, lunar_day: v.lunarDay, name: v.name }).returning('id').executeTakeFirstOrThrow();
    return { id: row.id, ...v };
  }

  /** Changes a festival (admins). */
  async updateFestival(id: string, patch: Partial<{ lunarMonth: number; lunarDay: number; name: string }>): Promise<FestivalDto> {
    const current = (await this.festivals()).find((f) => f.id === id);
    if (!current) throw new AppError('not_found');
    const v = validFestival({ ...current, ...patch });
    await this.db.updateTable('holy_day_festivals').set({ lunar_month: v.lunarMonth, lunar_day: v.lunarDay, name: v.name }).where('id', '=', id).execute();
    return { id, ...v };
  }

  /** Removes a festival (admins). */
  async removeFestival(id: string): Promise<void> {
    const r = await this.db.deleteFrom('holy_day_festivals').where('id', '=', id).executeTakeFirst();
    if (!r.numDeletedRows) throw new AppError('not_found');
  }

  /** The holy days between two calendar days (inclusive, at most 400 days). */
  async holyDays(from: string, to: string): Promise<HolyDayDto[]> {
    if (!isIsoDay(from)) throw new AppError('invalid', { field: 'from', reason: 'YYYY-MM-DD' });
    if (!isIsoDay(to)) throw new AppError('invalid', { field: 'to', reason: 'YYYY-MM-DD' });
    const span = daySpan(from, to);
    if (span < 1) throw new AppError('invalid', { field: 'to', reason: 'not before from' });
    if (span > MAX_RANGE_DAYS) throw new AppError('invalid', { field: 'to', reason: `at most ${MAX_RANGE_DAYS} days` });
    return holyDays(from, to, await this.rules());
  }

  /** The duty settings. */
  async settings(): Promise<DutySettingsDto> {
    const row = await this.db.selectFrom('duty_settings').select(['holy_days', 'master_first_seconds']).executeTakeFirst();
    return { holyDays: row?.holy_days ?? 'both', masterFirstSeconds: row?.master_first_seconds ?? 120 };
  }

  /** Changes the duty settings (supervisors). */
  async setSettings(patch: Partial<DutySettingsDto>): Promise<DutySettingsDto> {
    const next = { ...(await this.settings()), ...patch };
    await this.db
      .insertInto('duty_settings')
      .values({ id: true, holy_days: next.holyDays, master_first_seconds: next.masterFirstSeconds, updated_at: new Date() })
      .onConflict((oc) => oc.column('id').doUpdateSet({ holy_days: next.holyDays, master_first_seconds: next.masterFirstSeconds, updated_at: new Date() }))
      .execute();
    return next;
  }

  /** Windows that have not ended by `now`, soonest first. */
  async windows(now: Date): Promise<DutyWindowDto[]> {
    const rows = await this.db.selectFrom('duty_windows').select(['id', 'starts_at', 'ends_at', 'reason']).where('ends_at', '>', now).orderBy('starts_at').limit(500).execute();
    return rows.map(windowDto);
  }

  /** Adds an on-duty window (supervisors). */
  async addWindow(from: Date, to: Date, reason: string, by: string): Promise<DutyWindowDto> {
    if (!(to > from)) throw new AppError('invalid', { field: 'to', reason: 'must be after from' });
    if (to.getTime() - from.getTime() > 31 * 86400_000) throw new AppError('invalid', { field: 'to', reason: 'a window lasts at most 31 days' });
    const row = await this.db
      .insertInto('duty_windows')
      .values({ starts_at: from, ends_at: to, reason: reason.trim(), created_by: by })
      .returning(['id', 'starts_at', 'ends_at', 'reason'])
      .executeTakeFirstOrThrow();
    return windowDto(row);
  }

  /** Removes a window (supervisors). */
  async removeWindow(id: string): Promise<void> {
    const r = await this.db.deleteFrom('duty_windows').where('id', '=', id).executeTakeFirst();
    if (!r.numDeletedRows) throw new AppError('not_found');
  }

  /** The duty mode at `now`: a holy day the settings count, or a window, and until when it lasts. */
  async mode(now: Date): Promise<DutyMode> {
    const settings = await this.settings();
    const rules = settings.holyDays === 'none' ? [] : await this.rules();
    const counted = (day: string) => holyDays(day, day, rules).filter((d) => counts(settings.holyDays, d.kind));
    const windows = await this.db.selectFrom('duty_windows').select(['starts_at', 'ends_at']).where('ends_at', '>', now).where('starts_at', '<', new Date(now.getTime() + 32 * 86400_000)).execute();
    const covering = (t: Date) => windows.filter((w) => new Date(w.starts_at) <= t && new Date(w.ends_at) > t);

    const today = deskDay(now, this.timezone);
    const holy = counted(today)[0] ?? null;
    const window = covering(now).length > 0;
    const masterFirstMs = settings.masterFirstSeconds * 1000;
    if (!holy && !window) return { active: false, reason: null, until: null, holyDay: null, masterFirstMs };
    // The period runs on while the next holy day or another window joins it (a week at most).
    let until = now;
    for (let i = 0; i < 8; i++) {
      const day = deskDay(until, this.timezone);
      const dayEnd = counted(day).length ? deskDayStart(nextDay(day), this.timezone) : null;
      const windowEnd = covering(until).reduce<Date | null>((m, w) => (!m || new Date(w.ends_at) > m ? new Date(w.ends_at) : m), null);
      const end = [dayEnd, windowEnd].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
      if (!end || end <= until) break;
      until = end;
    }
    return { active: true, reason: holy ? holy.kind : 'window', until, holyDay: holy, masterFirstMs };
  }

  /** GET /api/desk/duty: the mode, and for staff the masters on shift now and the distress count. */
  async status(now: Date, staff: boolean): Promise<DutyStatusDto> {
    const mode = await this.mode(now);
    const base: DutyStatusDto = {
      masterOnDuty: mode.active,
      reason: mode.reason,
      until: mode.until?.toISOString() ?? null,
      masters: [],
      holyDay: mode.holyDay ? { name: mode.holyDay.name, kind: mode.holyDay.kind, lunar: mode.holyDay.lunar } : null,
    };
    if (!staff) return base;
    const at = now.toISOString();
    const masters = await sql<{ id: string; name: string; presence: PresenceStatus }>`
      SELECT u.id, u.name, u.presence FROM users u
      WHERE u.role = 'master' AND EXISTS (SELECT 1 FROM customer_service_schedule s WHERE s.user_id = u.id AND s.shift_start <= ${at}::timestamptz AND s.shift_end > ${at}::timestamptz)
      ORDER BY u.name`.execute(this.db);
    const distress = await this.db.selectFrom('chats').select((eb) => eb.fn.countAll<number>().as('n')).where('distress', '=', true).where('status', '<>', 'closed').executeTakeFirst();
    return { ...base, masters: masters.rows.map((m) => ({ id: m.id, name: m.name, status: m.presence })), distressChats: Number(distress?.n ?? 0) };
  }

  private async rules(): Promise<FestivalRule[]> {
    return this.festivals();
  }
}

function counts(setting: DutyHolyDays, kind: 'festival' | 'fast'): boolean {
  return setting === 'both' || setting === kind;
}

function validFestival(f: { lunarMonth: number; lunarDay: number; name: string }): Omit<FestivalDto, 'id'> {
  if (!Number.isInteger(f.lunarMonth) || f.lunarMonth < 1 || f.lunarMonth > 12) throw new AppError('invalid', { field: 'lunarMonth', reason: '1-12' });
  if (!Number.isInteger(f.lunarDay) || f.lunarDay < 1 || f.lunarDay > 30) throw new AppError('invalid', { field: 'lunarDay', reason: '1-30' });
  const name = typeof f.name === 'string' ? f.name.trim() : '';
  if (!name || name.length > MAX_NAME) throw new AppError('invalid', { field: 'name', reason: `1-${MAX_NAME} characters` });
  return { lunarMonth: f.lunarMonth, lunarDay: f.lunarDay, name };
}

function windowDto(r: { id: string; starts_at: Date | string; ends_at: Date | string; reason: string }): DutyWindowDto {
  return { id: r.id, from: new Date(r.starts_at).toISOString(), to: new Date(r.ends_at).toISOString(), reason: r.reason };
}
