/** The sutra corpus citations are verified against; admins add texts (typed or read from a .txt file). */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { ActionStatus } from './ActionStatus';
import { addSutra, fetchSutras, removeSutra, splitKeywords, type Sutra } from './dharmaApi';
import { useAdminAction } from './useAdminAction';

const EMPTY = { id: '', taisho: '', title: '', aliases: '', coverage: 'full' as 'full' | 'partial', content: '' };

/** The corpus panel; `editable` for admins. */
export function SutrasPanel({ editable }: { editable: boolean }) {
  const { api } = useSession();
  const { t } = useI18n();
  const [sutras, setSutras] = useState<Sutra[] | null>(null);
  const [form, setForm] = useState(EMPTY);
  const { busy, status, error, run } = useAdminAction();
  const ids = { id: useId(), taisho: useId(), title: useId(), aliases: useId(), coverage: useId(), content: useId(), file: useId() };
  const set = (k: keyof typeof EMPTY) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  useEffect(() => {
    void run(() => fetchSutras(api), setSutras);
  }, [api, run]);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const body = { id: form.id.trim(), taisho: form.taisho.trim() || null, title: form.title.trim(), aliases: splitKeywords(form.aliases), coverage: form.coverage, content: form.content };
    const added = await run(() => addSutra(api, body), (s) => t('dh.sutras.added', { title: s?.title ?? body.title }));
    if (added) {
      setSutras((now) => [...(now ?? []), added].sort((a, b) => a.id.localeCompare(b.id)));
      setForm(EMPTY);
    }
  };
  const remove = (s: Sutra) =>
    run(() => removeSutra(api, s.id), () => {
      setSutras((now) => now?.filter((x) => x.id !== s.id) ?? null);
      return t('dh.sutras.removed', { title: s.title });
    });
  const readFile = async (file: File | undefined) => {
    if (file) setForm((f) => ({ ...f, content: '' }));
    const content = file ? await file.text() : '';
    setForm((f) => ({ ...f, content }));
  };

  return (
    <section className="dh-card" aria-labelledby="dh-sutras-title">
      <h2 id="dh-sutras-title">{t('dh.sutras.title')}</h2>
      <div className="dh-scroll">
        <table className="dh-table" data-testid="sutras">
          <thead>
            <tr>
              <th scope="col">{t('dh.sutras.taisho')}</th>
              <th scope="col">{t('dh.sutras.name')}</th>
              <th scope="col">{t('dh.sutras.aliases')}</th>
              <th scope="col" className="num">{t('dh.sutras.length')}</th>
              <th scope="col">{t('dh.sutras.source')}</th>
              {editable && (
                <th scope="col">
                  <span className="sr-only">{t('dh.actions')}</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {sutras?.map((s) => (
              <tr key={s.id}>
                <td>{s.taisho ?? '—'}</td>
                <th scope="row">
                  {s.title}
                  {s.coverage === 'partial' && <span className="dh-pill">{t('dh.sutras.partial')}</span>}
                </th>
                <td>{s.aliases.join('、')}</td>
                <td className="num">{s.length.toLocaleString()}</td>
                <td>{s.source === 'admin' ? t('dh.sutras.byAdmin') : t('dh.sutras.shipped')}</td>
                {editable && (
                  <td>
                    {s.source === 'admin' && (
                      <button type="button" className="btn-danger dh-small" disabled={busy} onClick={() => void remove(s)} aria-label={t('dh.sutras.removeOf', { title: s.title })}>
                        {t('dh.remove')}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editable && (
        <form onSubmit={add} className="dh-sutra-form" aria-labelledby="dh-sutra-add">
          <h3 id="dh-sutra-add">{t('dh.sutras.add')}</h3>
          <label htmlFor={ids.id}>{t('dh.sutras.id')}</label>
          <input id={ids.id} value={form.id} onChange={set('id')} pattern="[A-Za-z0-9_\-]{1,40}" required aria-describedby={`${ids.id}-hint`} />
          <span id={`${ids.id}-hint`} className="muted dh-hint">
            {t('dh.sutras.idHint')}
          </span>
          <label htmlFor={ids.taisho}>{t('dh.sutras.taisho')}</label>
          <input id={ids.taisho} value={form.taisho} maxLength={20} onChange={set('taisho')} />
          <label htmlFor={ids.title}>{t('dh.sutras.name')}</label>
          <input id={ids.title} value={form.title} maxLength={200} onChange={set('title')} required />
          <label htmlFor={ids.aliases}>{t('dh.sutras.aliases')}</label>
          <input id={ids.aliases} value={form.aliases} onChange={set('aliases')} aria-describedby={`${ids.aliases}-hint`} />
          <span id={`${ids.aliases}-hint`} className="muted dh-hint">
            {t('dh.rules.keywordsHint')}
          </span>
          <label htmlFor={ids.coverage}>{t('dh.sutras.coverage')}</label>
          <select id={ids.coverage} value={form.coverage} onChange={set('coverage')}>
            <option value="full">{t('dh.sutras.full')}</option>
            <option value="partial">{t('dh.sutras.partial')}</option>
          </select>
          <label htmlFor={ids.file}>{t('dh.sutras.file')}</label>
          <input id={ids.file} type="file" accept=".txt,text/plain" onChange={(e) => void readFile(e.target.files?.[0])} />
          <label htmlFor={ids.content}>{t('dh.sutras.content')}</label>
          <textarea id={ids.content} rows={5} value={form.content} onChange={set('content')} required />
          <div>
            <button type="submit" className="btn-primary" disabled={busy || !form.id.trim() || !form.title.trim() || !form.content.trim()}>
              {t('dh.sutras.addButton')}
            </button>
          </div>
        </form>
      )}
      <ActionStatus status={status} error={error} />
    </section>
  );
}
