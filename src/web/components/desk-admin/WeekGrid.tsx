/**
 * The shift week as a real table: a row per agent or master (with live presence), a column per
 * day of the week in desk time, shift blocks in the cells with a delete button each, holidays
 * and closed days marked in the column headers.
 */
import { useI18n } from '../../i18n';
import type { DashboardSnapshot, Holiday, Shift } from './deskApi';
import { dayLabel } from './labels';
import { dayOf, timeOf } from './zone';

type Person = DashboardSnapshot['agents'][number];

/** A shift as seen on one day: the part of it that falls on that local day. */
interface Block {
  shift: Shift;
  start: string;
  end: string;
  /** The shift began the day before (overnight). */
  continued: boolean;
}

/** The pieces of each shift per person and local day. */
function blocksByCell(shifts: Shift[], days: string[], timezone: string): Map<string, Block[]> {
  const cells = new Map<string, Block[]>();
  for (const s of shifts) {
    const start = new Date(s.shiftStart);
    // An end at exactly midnight belongs to the day before.
    const end = new Date(new Date(s.shiftEnd).getTime() - 1);
    const firstDay = dayOf(start, timezone);
    const lastDay = dayOf(end, timezone);
    for (const day of days) {
      if (day < firstDay || day > lastDay) continue;
      const key = `${s.userId}|${day}`;
      const piece: Block = {
        shift: s,
        start: day === firstDay ? timeOf(start, timezone) : '00:00',
        end: day === lastDay ? timeOf(new Date(s.shiftEnd), timezone).replace(/^00:00$/, '24:00') : '24:00',
        continued: day !== firstDay,
      };
      cells.set(key, [...(cells.get(key) ?? []), piece]);
    }
  }
  return cells;
}

/** The week table. */
export function WeekGrid({ people, days, shifts, holidays, timezone, now, onDelete, busy }: {
  people: Person[];
  days: string[];
  shifts: Shift[];
  holidays: Holiday[];
  timezone: string;
  now: Date;
  onDelete(shift: Shift, label: string): void;
  busy: string | null;
}) {
  const { t } = useI18n();
  const cells = blocksByCell(shifts, days, timezone);
  const holidayOf = new Map(holidays.map((h) => [h.day, h]));
  const today = dayOf(now, timezone);
  const onShiftNow = (userId: string) => shifts.some((s) => s.userId === userId && new Date(s.shiftStart) <= now && new Date(s.shiftEnd) > now);

  return (
    <div className="da-scroll">
      <table className="da-week" data-testid="week-grid">
        <caption>{t('da.shifts.caption', { tz: timezone })}</caption>
        <thead>
          <tr>
            <th scope="col" className="da-week-person">{t('da.shifts.person')}</th>
            {days.map((day, i) => {
              const h = holidayOf.get(day);
              return (
                <th key={day} scope="col" data-day={day} className={[h?.closed ? 'da-closed' : h ? 'da-holiday' : '', day === today ? 'da-today' : ''].join(' ')} aria-current={day === today ? 'date' : undefined}>
                  <span className="da-day">{dayLabel(t, day, i)}</span>
                  {h && (
                    <span className="da-holiday-tag" data-testid="holiday-tag">
                      {h.name} · {h.closed ? t('da.holidays.closedTag') : t('da.holidays.openTag')}
                    </span>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {people.map((p) => (
            <tr key={p.id} data-person={p.id}>
              <th scope="row" className="da-week-person">
                <span className="da-person-name">{p.name}</span>
                <span className="da-person-meta">
                  {t(`role.${p.role}`)} · <span className={`dot dot-${p.status}`} aria-hidden="true" />{' '}
                  <span data-testid="person-status" data-status={p.status}>
                    {t(`presence.${p.status}`)}
                  </span>
                  {onShiftNow(p.id) && <span className="da-onshift"> · {t('da.shifts.onShift')}</span>}
                </span>
              </th>
              {days.map((day, i) => {
                const blocks = cells.get(`${p.id}|${day}`) ?? [];
                const h = holidayOf.get(day);
                return (
                  <td key={day} data-day={day} className={h?.closed ? 'da-closed' : h ? 'da-holiday' : ''}>
                    {blocks.length === 0 && <span className="sr-only">{t('da.shifts.empty')}</span>}
                    {blocks.map((b) => {
                      const label = t('da.shifts.deleteShift', { name: p.name, day: dayLabel(t, day, i), start: b.start, end: b.end });
                      return (
                        <div key={b.shift.id} className={`da-shift${b.continued ? ' da-shift-cont' : ''}`} data-testid="shift-block" data-shift={b.shift.id}>
                          <span className="da-shift-time">
                            {b.start}–{b.end}
                          </span>
                          <button type="button" className="da-shift-del" aria-label={label} title={label} disabled={busy === b.shift.id} onClick={() => onDelete(b.shift, label)}>
                            ×
                          </button>
                        </div>
                      );
                    })}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
