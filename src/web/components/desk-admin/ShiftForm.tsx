/** Adds a shift: person, one of the shown week's days, start and end in desk time (an earlier end runs overnight). */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../../client/api';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { addShift, type DashboardSnapshot } from './deskApi';
import { dayLabel } from './labels';
import { failure, useNoteText, type Note } from './notes';
import { addDays, zonedInstant } from './zone';

/** The add-a-shift form. */
export function ShiftForm({ people, days, timezone, onAdded, changedAt }: { people: DashboardSnapshot['agents']; days: string[]; timezone: string; onAdded(note: Note): Promise<void>; changedAt: unknown }) {
  const { t } = useI18n();
  const say = useNoteText();
  const { api } = useSession();
  const id = useId();
  const [userId, setUserId] = useState('');
  const [day, setDay] = useState('');
  const [start, setStart] = useState('09:00');
  const [end, setEnd] = useState('17:00');
  const [error, setError] = useState<Note | null>(null);
  const [busy, setBusy] = useState(false);
  const chosenDay = days.includes(day) ? day : days[0];
  // A refusal describes the week as it was; once the week changes it no longer applies.
  useEffect(() => setError(null), [changedAt]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const person = people.find((p) => p.id === userId);
    if (!person) {
      setError({ key: 'da.shifts.pick' });
      return;
    }
    const from = zonedInstant(chosenDay, start, timezone);
    let to = zonedInstant(chosenDay, end, timezone);
    if (to <= from) to = zonedInstant(addDays(chosenDay, 1), end, timezone);
    setBusy(true);
    try {
      await addShift(api, person.id, from, to);
      setError(null);
      await onAdded({ key: 'da.shifts.added', vars: { name: person.name } });
    } catch (err) {
      const reason = err instanceof ApiError ? err.details?.reason : undefined;
      setError(reason === 'overlapping_shift' ? { key: 'da.shifts.overlap' } : typeof reason === 'string' && reason.includes('24 hours') ? { key: 'da.shifts.tooLong' } : failure(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="da-card da-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-h`} data-testid="shift-form">
      <h2 id={`${id}-h`}>{t('da.shifts.add')}</h2>
      <div className="da-fields">
        <div className="da-field">
          <label htmlFor={`${id}-who`}>{t('da.shifts.agent')}</label>
          <select id={`${id}-who`} value={userId} onChange={(e) => (setUserId(e.target.value), setError(null))} required>
            <option value="">{t('da.shifts.pick')}</option>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}（{t(`role.${p.role}`)}）
              </option>
            ))}
          </select>
        </div>
        <div className="da-field">
          <label htmlFor={`${id}-day`}>{t('da.shifts.day')}</label>
          <select id={`${id}-day`} value={chosenDay} onChange={(e) => (setDay(e.target.value), setError(null))}>
            {days.map((d, i) => (
              <option key={d} value={d}>
                {dayLabel(t, d, i)}
              </option>
            ))}
          </select>
        </div>
        <div className="da-field">
          <label htmlFor={`${id}-start`}>{t('da.shifts.start')}</label>
          <input id={`${id}-start`} type="time" value={start} onChange={(e) => (setStart(e.target.value), setError(null))} required step={300} />
        </div>
        <div className="da-field">
          <label htmlFor={`${id}-end`}>{t('da.shifts.end')}</label>
          <input id={`${id}-end`} type="time" value={end} onChange={(e) => (setEnd(e.target.value), setError(null))} required step={300} aria-describedby={`${id}-hint`} />
        </div>
        <button type="submit" className="btn-primary" disabled={busy}>
          {t('da.shifts.submit')}
        </button>
      </div>
      <p id={`${id}-hint`} className="muted">
        {t('da.shifts.overnight')}
      </p>
      {error && (
        <p className="alert" role="alert">
          {say(error)}
        </p>
      )}
    </form>
  );
}
