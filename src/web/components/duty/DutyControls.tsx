/** Supervisors' duty settings and windows on the shifts page. */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { DUTY_HOLY_DAYS, type DutyHolyDays, type DutySettingsDto, type DutyWindowDto } from '../../../shared/duty';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { failure, useNoteText, type Note } from '../desk-admin/notes';
import { dayOf, timeOf, zonedInstant } from '../desk-admin/zone';

/** The settings form and the window list with its form. */
export function DutyControls({ timezone, today, onChanged }: { timezone: string; today: string; onChanged(): void }) {
  const { t } = useI18n();
  const say = useNoteText();
  const { api } = useSession();
  const [settings, setSettings] = useState<DutySettingsDto | null>(null);
  const [windows, setWindows] = useState<DutyWindowDto[]>([]);
  const [note, setNote] = useState<Note | null>(null);
  const [from, setFrom] = useState(`${today}T09:00`);
  const [to, setTo] = useState(`${today}T17:00`);
  const [reason, setReason] = useState('');
  const ids = { holy: useId(), wait: useId(), from: useId(), to: useId(), reason: useId() };

  const load = useCallback(async () => {
    const [s, w] = await Promise.all([api.request<{ settings: DutySettingsDto }>('GET', '/api/desk/duty-settings'), api.request<{ windows: DutyWindowDto[] }>('GET', '/api/desk/duty-windows')]);
    setSettings(s.settings);
    setWindows(w.windows);
  }, [api]);
  useEffect(() => {
    void load().catch((err) => setNote(failure(err)));
  }, [load]);

  const save = async (patch: Partial<DutySettingsDto>) => {
    try {
      setSettings((await api.request<{ settings: DutySettingsDto }>('PATCH', '/api/desk/duty-settings', patch)).settings);
      setNote({ key: 'duty.settingsSaved' });
      onChanged();
    } catch (err) {
      setNote(failure(err));
    }
  };
  const local = (v: string) => zonedInstant(v.slice(0, 10), v.slice(11, 16), timezone).toISOString();
  const add = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.request('POST', '/api/desk/duty-windows', { from: local(from), to: local(to), reason });
      setReason('');
      await load();
      setNote({ key: 'duty.windowAdded' });
      onChanged();
    } catch (err) {
      setNote(failure(err));
    }
  };
  const remove = async (id: string) => {
    try {
      await api.request('DELETE', `/api/desk/duty-windows/${id}`);
      await load();
      onChanged();
    } catch (err) {
      setNote(failure(err));
    }
  };
  const when = (iso: string) => `${dayOf(new Date(iso), timezone)} ${timeOf(new Date(iso), timezone)}`;

  return (
    <section className="da-card" aria-labelledby="duty-controls-title" data-testid="duty-controls">
      <h2 id="duty-controls-title">{t('duty.settings')}</h2>
      <p role="status" aria-live="polite" className="da-status">
        {say(note)}
      </p>
      {settings && (
        <div className="da-fields">
          <div className="da-field">
            <label htmlFor={ids.holy}>{t('duty.holyDays')}</label>
            <select id={ids.holy} value={settings.holyDays} onChange={(e) => void save({ holyDays: e.target.value as DutyHolyDays })} data-testid="duty-holy-days">
              {DUTY_HOLY_DAYS.map((h) => (
                <option key={h} value={h}>
                  {t(`duty.holyDays.${h}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="da-field">
            <label htmlFor={ids.wait}>{t('duty.wait')}</label>
            <input id={ids.wait} type="number" min={0} max={86400} defaultValue={settings.masterFirstSeconds} onBlur={(e) => void save({ masterFirstSeconds: Math.max(0, Math.round(Number(e.target.value) || 0)) })} />
          </div>
        </div>
      )}
      <h3>{t('duty.windows')}</h3>
      <ul data-testid="duty-windows">
        {windows.map((w) => (
          <li key={w.id}>
            {when(w.from)} – {when(w.to)} · {w.reason}{' '}
            <button type="button" className="btn-secondary" onClick={() => void remove(w.id)}>
              {t('duty.removeWindow')}
            </button>
          </li>
        ))}
      </ul>
      <form className="da-fields" onSubmit={(e) => void add(e)}>
        <div className="da-field">
          <label htmlFor={ids.from}>{t('duty.windowFrom')}</label>
          <input id={ids.from} type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required />
        </div>
        <div className="da-field">
          <label htmlFor={ids.to}>{t('duty.windowTo')}</label>
          <input id={ids.to} type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required />
        </div>
        <div className="da-field">
          <label htmlFor={ids.reason}>{t('duty.windowReason')}</label>
          <input id={ids.reason} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={200} />
        </div>
        <button type="submit" className="btn-primary">
          {t('duty.addWindow')}
        </button>
      </form>
    </section>
  );
}
