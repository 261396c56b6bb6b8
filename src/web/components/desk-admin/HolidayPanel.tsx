/** Holidays and closed days: the list, add (day, name, closed all day) and remove. */
import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { removeHoliday, setHoliday, type Holiday } from './deskApi';
import { failure, useNoteText, type Note } from './notes';

/** The holiday section of the shift page. */
export function HolidayPanel({ holidays, defaultDay, onChanged }: { holidays: Holiday[]; defaultDay: string; onChanged(note: Note): Promise<void> }) {
  const { t } = useI18n();
  const say = useNoteText();
  const { api } = useSession();
  const id = useId();
  const [day, setDay] = useState('');
  const [name, setName] = useState('');
  const [closed, setClosed] = useState(true);
  const [error, setError] = useState<Note | null>(null);
  const [busy, setBusy] = useState(false);
  const chosenDay = day || defaultDay;

  const run = async (work: () => Promise<Note>) => {
    setBusy(true);
    try {
      const message = await work();
      setError(null);
      await onChanged(message);
    } catch (err) {
      setError(failure(err));
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const label = name.trim();
    if (!label) return;
    void run(async () => {
      await setHoliday(api, chosenDay, label, closed);
      setName('');
      return { key: 'da.holidays.added', vars: { day: chosenDay, name: label } } as const;
    });
  };

  return (
    <section className="da-card" aria-labelledby={`${id}-h`} data-testid="holidays">
      <h2 id={`${id}-h`}>{t('da.holidays.title')}</h2>
      <form className="da-fields" onSubmit={submit}>
        <div className="da-field">
          <label htmlFor={`${id}-day`}>{t('da.holidays.day')}</label>
          <input id={`${id}-day`} type="date" value={chosenDay} onChange={(e) => setDay(e.target.value)} required />
        </div>
        <div className="da-field">
          <label htmlFor={`${id}-name`}>{t('da.holidays.name')}</label>
          <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />
        </div>
        <div className="da-field da-check">
          <input id={`${id}-closed`} type="checkbox" checked={closed} onChange={(e) => setClosed(e.target.checked)} />
          <label htmlFor={`${id}-closed`}>{t('da.holidays.closed')}</label>
        </div>
        <button type="submit" className="btn-primary" disabled={busy}>
          {t('da.holidays.add')}
        </button>
      </form>
      {error && (
        <p className="alert" role="alert">
          {say(error)}
        </p>
      )}
      {holidays.length === 0 ? (
        <p className="empty">{t('da.holidays.none')}</p>
      ) : (
        <ul className="da-holidays">
          {holidays.map((h) => (
            <li key={h.day} data-day={h.day}>
              <span className="da-holiday-day">{h.day}</span> {h.name}{' '}
              <span className={h.closed ? 'pill da-pill-closed' : 'pill'}>{h.closed ? t('da.holidays.closedTag') : t('da.holidays.openTag')}</span>
              <button type="button" className="btn-link" disabled={busy} aria-label={t('da.holidays.removeOne', { day: h.day, name: h.name })} onClick={() => void run(async () => (await removeHoliday(api, h.day), { key: 'da.holidays.removed', vars: { day: h.day, name: h.name } } as const))}>
                {t('da.holidays.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
