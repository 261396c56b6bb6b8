/** Staff search: a query in either script, results with snippets, each opening its chat. */
import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../../client/api';
import type { SearchResultDto } from '../../../shared/protocol';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';

/** The search form and its results. */
export function SearchBox({ onOpen }: { onOpen(result: SearchResultDto): void }) {
  const { api } = useSession();
  const { t, errorText, locale } = useI18n();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<SearchResultDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = useId();
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!q.trim()) return;
    setBusy(true);
    setError(null);
    try {
      setResults(await api.search(q.trim(), 20));
    } catch (err) {
      setResults(null);
      setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="search-box" aria-label={t('sv.search.label')} data-testid="search">
      <form role="search" onSubmit={submit}>
        <label htmlFor={inputId} className="sr-only">{t('sv.search.label')}</label>
        <input id={inputId} type="search" value={q} onChange={(e) => setQ(e.target.value)} maxLength={200} placeholder={t('sv.search.placeholder')} data-testid="search-input" />
        <button type="submit" className="btn-secondary" disabled={busy} data-testid="search-submit">{t('sv.search.submit')}</button>
      </form>
      {error && <p className="alert" role="alert">{error}</p>}
      {results && (
        <div role="status">
          {results.length ? (
            <>
              <p className="sr-only">{t('sv.search.results', { n: results.length })}</p>
              <ul className="search-results">
                {results.map((r) => (
                  <li key={r.messageId} data-testid="search-result" data-chat-id={r.chatId}>
                    <button type="button" className="search-hit" onClick={() => onOpen(r)} aria-label={`${t('sv.search.open')}: ${r.snippet}`}>
                      <span className="search-snippet">{r.snippet}</span>
                      <time dateTime={r.createdAt}>{date.format(new Date(r.createdAt))}</time>
                    </button>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="empty">{t('sv.search.none')}</p>
          )}
        </div>
      )}
    </section>
  );
}
