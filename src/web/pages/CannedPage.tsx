/**
 * 常用回覆: an agent's personal replies and the team's (supervisors write those), searched in
 * either script. A misquoted sutra is refused when saved, with the authentic passage to take.
 */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../client/api';
import type { CannedReplyDto } from '../../shared/duty';
import { CitationRefusal } from '../components/dharma/CitationNotice';
import '../components/duty/duty.css';
import { useI18n } from '../i18n';
import { useSession } from '../session';

/** The canned replies page. */
export function CannedPage() {
  const { t, errorText } = useI18n();
  const { api, me } = useSession();
  const supervisor = me.role === 'supervisor' || me.role === 'admin';
  const [replies, setReplies] = useState<CannedReplyDto[]>([]);
  const [q, setQ] = useState('');
  const [shortcut, setShortcut] = useState('');
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [scope, setScope] = useState<'personal' | 'team'>(supervisor ? 'team' : 'personal');
  const [status, setStatus] = useState('');
  const [error, setError] = useState<{ text: string; details?: Record<string, unknown>; citation: boolean } | null>(null);
  const ids = { q: useId(), shortcut: useId(), title: useId(), text: useId(), scope: useId() };

  const load = useCallback(async () => {
    setReplies((await api.request<{ replies: CannedReplyDto[] }>('GET', `/api/canned-replies?q=${encodeURIComponent(q)}`)).replies);
  }, [api, q]);
  useEffect(() => {
    void load().catch(() => {});
  }, [load]);

  const fail = (err: unknown) =>
    setError(err instanceof ApiError ? { text: errorText(err.code, err.details), details: err.details, citation: err.code === 'unverified_citation' } : { text: t('error.network'), citation: false });
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await api.request<{ reply: CannedReplyDto }>('POST', '/api/canned-replies', { shortcut, title, text, scope });
      setShortcut('');
      setTitle('');
      setText('');
      setError(null);
      await load();
      setStatus(t('canned.saved', { shortcut: r.reply.shortcut }));
    } catch (err) {
      fail(err);
    }
  };
  const remove = async (id: string) => {
    try {
      await api.request('DELETE', `/api/canned-replies/${id}`);
      await load();
      setStatus(t('canned.deleted'));
    } catch (err) {
      fail(err);
    }
  };

  return (
    <div className="da-page" data-testid="canned-page">
      <header className="da-head">
        <h1>{t('canned.title')}</h1>
        <p className="muted">{t('canned.hint')}</p>
      </header>
      <p role="status" aria-live="polite" className="da-status" data-testid="canned-status">
        {status}
      </p>
      <div className="da-grid">
        <form className="da-card da-form" onSubmit={(e) => void save(e)} data-testid="canned-form">
          <label htmlFor={ids.shortcut}>{t('canned.shortcut')}</label>
          <input id={ids.shortcut} value={shortcut} onChange={(e) => setShortcut(e.target.value)} required maxLength={33} data-testid="canned-shortcut" />
          <label htmlFor={ids.title}>{t('canned.titleField')}</label>
          <input id={ids.title} value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={100} data-testid="canned-title" />
          <label htmlFor={ids.text}>{t('canned.text')}</label>
          <textarea id={ids.text} value={text} onChange={(e) => setText(e.target.value)} required maxLength={4000} rows={4} data-testid="canned-text" />
          {supervisor && (
            <>
              <label htmlFor={ids.scope}>{t('canned.scope')}</label>
              <select id={ids.scope} value={scope} onChange={(e) => setScope(e.target.value as 'personal' | 'team')}>
                <option value="team">{t('canned.team')}</option>
                <option value="personal">{t('canned.personal')}</option>
              </select>
            </>
          )}
          {error && (
            <div className="alert" role="alert" data-testid="canned-error">
              <p>{error.text}</p>
              {error.citation && <CitationRefusal details={error.details} context="save" onUse={(quote, passage) => setText((now) => now.replace(quote, passage))} />}
            </div>
          )}
          <button type="submit" className="btn-primary" data-testid="canned-save">
            {t('canned.save')}
          </button>
        </form>
        <section className="da-card" aria-labelledby="canned-list-title">
          <h2 id="canned-list-title">{t('canned.title')}</h2>
          <label htmlFor={ids.q} className="sr-only">
            {t('canned.search')}
          </label>
          <input id={ids.q} type="search" placeholder={t('canned.search')} value={q} onChange={(e) => setQ(e.target.value)} />
          {replies.length === 0 ? (
            <p className="muted">{t('canned.empty')}</p>
          ) : (
            <ul data-testid="canned-list">
              {replies.map((r) => (
                <li key={r.id}>
                  <span className="canned-shortcut">/{r.shortcut}</span> <strong>{r.title}</strong> · {r.scope === 'team' ? t('canned.team') : t('canned.personal')} · {t('canned.uses', { n: r.usageCount })}
                  <p>{r.text}</p>
                  {(r.scope === 'personal' || supervisor) && (
                    <button type="button" className="btn-secondary" onClick={() => void remove(r.id)}>
                      {t('canned.delete')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
