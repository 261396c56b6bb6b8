/**
 * 客服排班: the week of shifts per agent and master in desk time, previous and next week, add and
 * delete shifts, holidays and closed days, and everyone's presence live from the desk feed.
 */
import { useCallback, useEffect, useState } from 'react';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { useNow } from '../components/hooks';
import { deleteShift, fetchHolidays, fetchShifts, type Holiday, type Shift } from '../components/desk-admin/deskApi';
import { HolidayPanel } from '../components/desk-admin/HolidayPanel';
import { failure, useNoteText, type Note } from '../components/desk-admin/notes';
import { dayLabel } from '../components/desk-admin/labels';
import { ShiftForm } from '../components/desk-admin/ShiftForm';
import { useDeskFeed } from '../components/desk-admin/useDeskFeed';
import { WeekGrid } from '../components/desk-admin/WeekGrid';
import { addDays, dayOf, mondayOf, weekDays, zonedInstant } from '../components/desk-admin/zone';
import '../components/desk-admin/desk-admin.css';
import { DutyControls } from '../components/duty/DutyControls';
import { HolyDayCalendar } from '../components/duty/HolyDayCalendar';
import '../components/duty/duty.css';
import { useI18n } from '../i18n';
import { useSession } from '../session';

/** The shift week page. */
export function ShiftsPage() {
  const { t } = useI18n();
  const say = useNoteText();
  const { api } = useSession();
  const { snapshot, error: feedError } = useDeskFeed();
  const now = useNow(60_000);
  const timezone = snapshot?.timezone ?? null;
  const [monday, setMonday] = useState<string | null>(null);
  const [shifts, setShifts] = useState<Shift[]>([]);
  const [holidays, setHolidays] = useState<Holiday[]>([]);
  const [status, setStatus] = useState<Note | null>(null);
  const [error, setError] = useState<Note | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const thisMonday = timezone ? mondayOf(dayOf(new Date(now), timezone)) : null;
  const week = monday ?? thisMonday;
  const days = week ? weekDays(week) : [];

  const load = useCallback(async () => {
    if (!week || !timezone) return;
    try {
      const [s, h] = await Promise.all([fetchShifts(api, zonedInstant(week, '00:00', timezone), zonedInstant(addDays(week, 7), '00:00', timezone)), fetchHolidays(api)]);
      setShifts(s);
      setHolidays(h);
      setError(null);
    } catch (err) {
      setError(failure(err));
    }
  }, [api, week, timezone]);
  useEffect(() => {
    void load();
  }, [load]);

  // Announced once the week shows the change, so what is read out matches what is on screen.
  const changed = async (note: Note) => {
    await load();
    setStatus(note);
  };
  const remove = async (shift: Shift) => {
    setBusy(shift.id);
    try {
      await deleteShift(api, shift.id);
      await changed({ key: 'da.shifts.deleted' });
    } catch (err) {
      setError(failure(err));
    } finally {
      setBusy(null);
    }
  };

  const people = snapshot?.agents ?? [];
  return (
    <div className="da-page" data-testid="shifts">
      <ConnectionBanner />
      <header className="da-head">
        <h1>{t('da.shifts.title')}</h1>
        {week && (
          <nav className="da-weeknav" aria-label={t('da.shifts.weekNav')}>
            <button type="button" className="btn-secondary" onClick={() => setMonday(addDays(week, -7))} data-testid="week-prev">
              ‹ {t('da.shifts.prev')}
            </button>
            <button type="button" className="btn-secondary" onClick={() => setMonday(null)} disabled={week === thisMonday}>
              {t('da.shifts.thisWeek')}
            </button>
            <button type="button" className="btn-secondary" onClick={() => setMonday(addDays(week, 7))} data-testid="week-next">
              {t('da.shifts.next')} ›
            </button>
            <h2 className="da-weektitle" aria-live="polite" data-testid="week-title">
              {t('da.shifts.week', { from: dayLabel(t, days[0], 0), to: dayLabel(t, days[6], 6) })}
            </h2>
          </nav>
        )}
      </header>
      {(error || feedError != null) && (
        <p className="alert" role="alert">
          {say(error ?? failure(feedError))}
        </p>
      )}
      <p className="da-status" role="status" aria-live="polite" data-testid="shifts-status">
        {say(status)}
      </p>
      {!snapshot || !timezone ? (
        <p className="loading">{t('app.loading')}</p>
      ) : (
        <>
          <section className="da-card da-full">
            <WeekGrid people={people} days={days} shifts={shifts} holidays={holidays} timezone={timezone} now={new Date(now)} busy={busy} onDelete={(s) => void remove(s)} />
          </section>
          <div className="da-grid">
            <ShiftForm people={people} days={days} timezone={timezone} onAdded={changed} changedAt={status} />
            <HolidayPanel holidays={holidays} defaultDay={days[0]} onChanged={changed} />
            <DutyControls timezone={timezone} today={dayOf(new Date(now), timezone)} onChanged={() => void load()} />
          </div>
          <HolyDayCalendar today={dayOf(new Date(now), timezone)} timezone={timezone} people={people} changedAt={shifts} />
        </>
      )}
    </div>
  );
}
