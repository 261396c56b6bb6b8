/** Forbidden terms: search (either script, normalized), add to a category, remove (disable). */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { ActionStatus } from './ActionStatus';
import { addTerm, fetchTerms, removeTerm, type Category, type Term } from './dharmaApi';
import { useAdminAction } from './useAdminAction';

const PAGE = 50;

interface Query {
  q: string;
  category: string;
  state: '' | 'on' | 'off';
}

/** The terms panel (admins). */
export function TermsPanel({ categories }: { categories: Category[] }) {
  const { api } = useSession();
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [category, setCategory] = useState('');
  const [state, setState] = useState<'' | 'on' | 'off'>('');
  const [shown, setShown] = useState<Query>({ q: '', category: '', state: '' });
  const [terms, setTerms] = useState<Term[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [newTerm, setNewTerm] = useState('');
  const [newCategory, setNewCategory] = useState('custom');
  const { busy, status, error, run } = useAdminAction();
  const ids = { q: useId(), cat: useId(), state: useId(), term: useId(), newCat: useId() };
  const name = (id: string) => categories.find((c) => c.id === id)?.name ?? id;

  const load = useCallback(
    (query: Query, offset = 0) =>
      run(() => fetchTerms(api, { q: query.q || undefined, category: query.category || undefined, enabled: query.state ? query.state === 'on' : undefined, limit: PAGE, offset }), (r) => {
        setTerms((now) => (offset ? [...now, ...r.terms] : r.terms));
        setHasMore(r.hasMore);
        setShown(query);
      }),
    [api, run],
  );
  useEffect(() => {
    void load({ q: '', category: '', state: '' });
  }, [load]);
  useEffect(() => {
    if (categories.length && !categories.some((c) => c.id === newCategory)) setNewCategory(categories[0].id);
  }, [categories, newCategory]);

  const search = (e: FormEvent) => {
    e.preventDefault();
    void load({ q: q.trim(), category, state });
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const term = newTerm.trim();
    if (!term) return;
    const added = await run(() => addTerm(api, term, newCategory), (r) => t('dh.terms.added', { term: r.term, category: name(r.category) }));
    if (added) {
      setNewTerm('');
      setTerms((now) => [added, ...now.filter((x) => x.id !== added.id)]);
    }
  };
  const remove = (term: Term) =>
    run(() => removeTerm(api, term.id), () => {
      setTerms((now) => now.map((x) => (x.id === term.id ? { ...x, enabled: false } : x)));
      return t('dh.terms.removed', { term: term.term });
    });

  return (
    <section className="dh-card" aria-labelledby="dh-terms-title">
      <h2 id="dh-terms-title">{t('dh.terms.title')}</h2>
      <form role="search" className="dh-row" onSubmit={search} aria-label={t('dh.terms.search')}>
        <label htmlFor={ids.q}>{t('dh.terms.query')}</label>
        <input id={ids.q} type="search" value={q} maxLength={100} onChange={(e) => setQ(e.target.value)} placeholder={t('dh.terms.queryHint')} data-testid="term-search" />
        <label htmlFor={ids.cat}>{t('dh.terms.category')}</label>
        <select id={ids.cat} value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">{t('dh.terms.allCategories')}</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <label htmlFor={ids.state}>{t('dh.terms.state')}</label>
        <select id={ids.state} value={state} onChange={(e) => setState(e.target.value as Query['state'])}>
          <option value="">{t('dh.terms.anyState')}</option>
          <option value="on">{t('dh.terms.enabled')}</option>
          <option value="off">{t('dh.terms.disabled')}</option>
        </select>
        <button type="submit" className="btn-secondary" disabled={busy}>
          {t('dh.terms.searchButton')}
        </button>
      </form>
      <form className="dh-row" onSubmit={add} aria-label={t('dh.terms.add')}>
        <label htmlFor={ids.term}>{t('dh.terms.newTerm')}</label>
        <input id={ids.term} value={newTerm} maxLength={100} onChange={(e) => setNewTerm(e.target.value)} data-testid="term-new" />
        <label htmlFor={ids.newCat}>{t('dh.terms.category')}</label>
        <select id={ids.newCat} value={newCategory} onChange={(e) => setNewCategory(e.target.value)}>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <button type="submit" className="btn-primary" disabled={busy || !newTerm.trim()}>
          {t('dh.terms.addButton')}
        </button>
      </form>
      <ActionStatus status={status} error={error} />
      <div className="dh-scroll dh-tall">
        <table className="dh-table" data-testid="terms">
          <caption>{shown.q || shown.category || shown.state ? t('dh.terms.resultsFor', { q: shown.q || '—', category: shown.category ? name(shown.category) : t('dh.terms.allCategories') }) : t('dh.terms.results')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dh.terms.term')}</th>
              <th scope="col">{t('dh.terms.category')}</th>
              <th scope="col">{t('dh.terms.state')}</th>
              <th scope="col">
                <span className="sr-only">{t('dh.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {terms.map((x) => (
              <tr key={x.id} className={x.enabled ? '' : 'dh-off'}>
                <th scope="row">{x.term}</th>
                <td>{name(x.category)}</td>
                <td>{x.enabled ? t('dh.terms.enabled') : `${t('dh.terms.disabled')}${x.note ? `（${x.note}）` : ''}`}</td>
                <td>
                  {x.enabled && (
                    <button type="button" className="btn-danger dh-small" disabled={busy} onClick={() => void remove(x)} aria-label={t('dh.terms.removeOf', { term: x.term })}>
                      {t('dh.remove')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {!terms.length && (
              <tr>
                <td colSpan={4} className="muted">
                  {t('dh.terms.none')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {hasMore && (
        <button type="button" className="btn-secondary" disabled={busy} onClick={() => void load(shown, terms.length)}>
          {t('dh.more')}
        </button>
      )}
    </section>
  );
}
