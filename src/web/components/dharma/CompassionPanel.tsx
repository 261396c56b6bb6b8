/** The compassion pool: gentle replies for members in low spirits; every quote verified on save. */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { ActionStatus } from './ActionStatus';
import { addCompassion, fetchCompassion, removeCompassion, type CompassionEntry } from './dharmaApi';
import { useAdminAction } from './useAdminAction';

/** The pool panel (admins). */
export function CompassionPanel() {
  const { api } = useSession();
  const { t } = useI18n();
  const [entries, setEntries] = useState<CompassionEntry[] | null>(null);
  const [text, setText] = useState('');
  const { busy, status, error, run } = useAdminAction();
  const id = useId();

  useEffect(() => {
    void run(() => fetchCompassion(api), setEntries);
  }, [api, run]);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    const added = await run(() => addCompassion(api, text.trim()), () => t('dh.pool.added'));
    if (added) {
      setEntries((now) => [...(now ?? []), added]);
      setText('');
    }
  };
  const remove = (x: CompassionEntry) =>
    run(() => removeCompassion(api, x.id), () => {
      setEntries((now) => now?.filter((y) => y.id !== x.id) ?? null);
      return t('dh.pool.removed');
    });

  return (
    <section className="dh-card" aria-labelledby="dh-pool-title">
      <h2 id="dh-pool-title">{t('dh.pool.title')}</h2>
      <p className="muted">{t('dh.pool.help')}</p>
      <ul className="dh-list" data-testid="compassion">
        {entries?.map((x) => (
          <li key={x.id} className="dh-pool-item">
            <p>{x.text}</p>
            <button type="button" className="btn-danger dh-small" disabled={busy} onClick={() => void remove(x)} aria-label={t('dh.pool.removeOf', { text: x.text.slice(0, 20) })}>
              {t('dh.remove')}
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={add} className="dh-stack">
        <label htmlFor={id}>{t('dh.pool.new')}</label>
        <textarea id={id} rows={2} maxLength={1000} value={text} onChange={(e) => setText(e.target.value)} />
        <div>
          <button type="submit" className="btn-primary" disabled={busy || !text.trim()}>
            {t('dh.pool.addButton')}
          </button>
        </div>
      </form>
      <ActionStatus status={status} error={error} />
    </section>
  );
}
