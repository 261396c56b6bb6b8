/**
 * The shifts page's month of holy days (lunar 1st and 15th, Buddhist festivals): each duty day
 * (by the duty settings) shows whether a master has a shift that day, highlighted when not.
 */
import { useCallback, useEffect, useState } from 'react';
import type { DutySettingsDto, HolyDayDto } from '../../../shared/duty';
import type { RosterAgent } from '../../../shared/desk';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { fetchShifts, type Shift } from '../desk-admin/deskApi';
import { addDays, weekdayOf, zonedInstant } from '../desk-admin/zone';

/** The first day of the month `n` months after the month of `day`. */
function monthStart(day: string, n = 0): string {
  const [y, m] = day.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 10);
}

/** True when the settings put masters on duty on a holy day of this kind. */
function counts(settings: DutySettingsDto | null, kind: HolyDayDto['kind']): boolean {
  const h = settings?.holyDays ?? 'both';
  return h === 'both' || h === kind;
}

/** The month calendar; `today` is the desk-time day, `changedAt` reloads it after a shift changes. */
export function HolyDayCalendar({ today, timezone, people, changedAt }: { today: string; timezone: string; people: RosterAgent[]; changedAt: unknown }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [first, setFirst] = useState(() => monthStart(today));
  const [days, setDays] = useState<HolyDayDto[]>([]);
  const [shifts, setShifts] = useState<Shift[]>([]);
  const [settings, setSettings] = useState<DutySettingsDto | null>(null);
  const next = monthStart(first, 1);

  const load = useCallback(async () => {
    const q = new URLSearchParams({ from: first, to: addDays(next, -1) });
    const [h, s, st] = await Promise.all([
      api.request<{ days: HolyDayDto[] }>('GET', `/api/calendar/holy-days?${q}`),
      fetchShifts(api, zonedInstant(first, '00:00', timezone), zonedInstant(next, '00:00', timezone)),
      api.request<{ settings: DutySettingsDto }>('GET', '/api/desk/duty-settings'),
    ]);
    setDays(h.days);
    setShifts(s);
    setSettings(st.settings);
  }, [api, first, next, timezone]);
  useEffect(() => {
    void load().catch(() => {});
  }, [load, changedAt]);

  const masters = new Set(people.filter((p) => p.role === 'master').map((p) => p.id));
  const masterOn = (day: string) => {
    const from = zonedInstant(day, '00:00', timezone).getTime();
    const to = zonedInstant(addDays(day, 1), '00:00', timezone).getTime();
    return shifts.some((s) => masters.has(s.userId) && Date.parse(s.shiftStart) < to && Date.parse(s.shiftEnd) > from);
  };
  const cells: Array<string | null> = [...Array.from({ length: weekdayOf(first) }, () => null)];
  for (let d = first; d < next; d = addDays(d, 1)) cells.push(d);
  const byDay = new Map<string, HolyDayDto[]>();
  for (const h of days) byDay.set(h.date, [...(byDay.get(h.date) ?? []), h]);
  const missing = [...byDay.entries()].filter(([day, hs]) => day >= today && hs.some((h) => counts(settings, h.kind)) && !masterOn(day)).length;
  const [year, month] = first.split('-').map(Number);

  return (
    <section className="da-card da-full holy-calendar" aria-labelledby="holy-cal-title" data-testid="holy-calendar">
      <header className="da-weeknav">
        <h2 id="holy-cal-title">{t('duty.calendar')}</h2>
        <button type="button" className="btn-secondary" onClick={() => setFirst(monthStart(first, -1))}>
          ‹ {t('duty.prevMonth')}
        </button>
        <strong aria-live="polite" data-testid="holy-month">{t('duty.month', { year, month })}</strong>
        <button type="button" className="btn-secondary" onClick={() => setFirst(monthStart(first, 1))} data-testid="holy-next">
          {t('duty.nextMonth')} ›
        </button>
      </header>
      {missing > 0 && <p className="alert" data-testid="holy-missing">{t('duty.missingCount', { n: missing })}</p>}
      <ol className="holy-grid">
        {cells.map((day, i) =>
          day === null ? (
            <li key={`pad-${i}`} className="holy-pad" aria-hidden="true" />
          ) : (
            <HolyCell key={day} day={day} holy={byDay.get(day) ?? []} duty={(byDay.get(day) ?? []).some((h) => counts(settings, h.kind))} staffed={masterOn(day)} past={day < today} />
          ),
        )}
      </ol>
    </section>
  );
}

function HolyCell({ day, holy, duty, staffed, past }: { day: string; holy: HolyDayDto[]; duty: boolean; staffed: boolean; past: boolean }) {
  const { t } = useI18n();
  const missing = duty && !staffed && !past;
  const cls = ['holy-day', holy.some((h) => h.kind === 'festival') ? 'festival' : holy.length ? 'fast' : '', missing ? 'missing' : ''].filter(Boolean).join(' ');
  return (
    <li className={cls} data-day={day} data-missing={missing || undefined} data-testid={holy.length ? 'holy-day' : undefined}>
      <span className="holy-date">{Number(day.slice(8))}</span>
      {holy.length > 0 && <span className="holy-lunar">{holy[0].lunar}</span>}
      {holy.map((h) => (
        <span key={h.name} className={`holy-name ${h.kind}`}>
          {h.name}
        </span>
      ))}
      {duty && !past && <span className={missing ? 'holy-warn' : 'holy-ok'}>{missing ? `⚠ ${t('duty.noMasterShift')}` : `✓ ${t('duty.masterShift')}`}</span>}
    </li>
  );
}
