/** The allow-list: Buddhist and everyday words that win over any listed term they cover. */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { ActionStatus } from './ActionStatus';
import { addAllowed, fetchAllowed, removeAllowed, type AllowedTerm } from './dharmaApi';
import { useAdminAction } from './useAdminAction';

const SHOW = 200;

/** The allow-list panel (admins). */
export function AllowPanel() {
  const { api } = useSession();
  const { t } = useI18n();
  const [all, setAll] = useState<AllowedTerm[]>([]);
  const [filter, setFilter] = useState('');
  const [term, setTerm] = useState('');
  const { busy, status, error, run } = useAdminAction();
  const ids = { filter: useId(), term: useId() };

  useEffect(() => {
    void run(() => fetchAllowed(api), setAll);
  }, [api, run]);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const v = term.trim();
    if (!v) return;
    const added = await run(() => addAllowed(api, v), (r) => t('dh.allow.added', { term: r.term }));
    if (added) {
      setTerm('');
      setAll((now) => [added, ...now.filter((x) => x.id !== added.id)]);
    }
  };
  const remove = (x: AllowedTerm) =>
    run(() => removeAllowed(api, x.id), () => {
      setAll((now) => now.filter((y) => y.id !== x.id));
      return t('dh.allow.removed', { term: x.term });
    });

  const f = filter.trim();
  const matching = f ? all.filter((x) => x.term.includes(f) || x.normalized.includes(f)) : all;
  return (
    <section className="dh-card" aria-labelledby="dh-allow-title">
      <h2 id="dh-allow-title">{t('dh.allow.title')}</h2>
      <p className="muted">{t('dh.allow.help')}</p>
      <form className="dh-row" onSubmit={add} aria-label={t('dh.allow.add')}>
        <label htmlFor={ids.term}>{t('dh.allow.newTerm')}</label>
        <input id={ids.term} value={term} maxLength={100} onChange={(e) => setTerm(e.target.value)} data-testid="allow-new" />
        <button type="submit" className="btn-primary" disabled={busy || !term.trim()}>
          {t('dh.allow.addButton')}
        </button>
      </form>
      <div className="dh-row">
        <label htmlFor={ids.filter}>{t('dh.allow.filter')}</label>
        <input id={ids.filter} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <span className="muted">{t('dh.allow.count', { shown: Math.min(SHOW, matching.length), total: matching.length })}</span>
      </div>
      <ActionStatus status={status} error={error} />
      <ul className="dh-chips" data-testid="allow-list">
        {matching.slice(0, SHOW).map((x) => (
          <li key={x.id} className="chip">
            <span>{x.term}</span>
            <button type="button" disabled={busy} onClick={() => void remove(x)} aria-label={t('dh.allow.removeOf', { term: x.term })}>
              ×
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
