/**
 * "Try a text": what the content filter and the citation check would do with a message, without
 * sending it, and what that means for a member's message and for an agent's or master's.
 */
import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { ActionStatus } from './ActionStatus';
import { CitationLine } from './CitationNotice';
import { checkText, type CheckResult } from './dharmaApi';
import { useAdminAction } from './useAdminAction';

const FAILING = new Set(['misquote', 'misattributed']);

/** The dry-run box (staff). */
export function TryPanel() {
  const { api } = useSession();
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [result, setResult] = useState<CheckResult | null>(null);
  const { busy, status, error, run } = useAdminAction();
  const id = useId();

  const check = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    void run(() => checkText(api, text), setResult);
  };

  const misquote = result?.citations.some((c) => FAILING.has(c.status)) ?? false;
  const f = result?.filter;
  return (
    <section className="dh-card" aria-labelledby="dh-try-title">
      <h2 id="dh-try-title">{t('dh.try.title')}</h2>
      <form onSubmit={check} className="dh-stack">
        <label htmlFor={id}>{t('dh.try.label')}</label>
        <textarea id={id} rows={3} value={text} maxLength={4000} onChange={(e) => setText(e.target.value)} placeholder={t('dh.try.placeholder')} data-testid="try-text" />
        <div>
          <button type="submit" className="btn-primary" disabled={busy || !text.trim()} data-testid="try-check">
            {t('dh.try.check')}
          </button>
        </div>
      </form>
      <ActionStatus status={status} error={error} />
      {result && f && (
        <div className="dh-result" aria-live="polite" data-testid="try-result">
          <h3>{t('dh.try.filter')}</h3>
          {f.blocked ? (
            <p className="dh-verdict dh-bad" data-verdict="blocked">
              {t('dh.try.blocked', { term: f.blocked.term, category: f.blocked.category })}
            </p>
          ) : (
            <p className="dh-verdict dh-good" data-verdict="pass">
              {t('dh.try.passes')}
            </p>
          )}
          {f.masked.length > 0 && (
            <p>
              {t('dh.try.masked')} <q>{f.text}</q>
            </p>
          )}
          {f.flagged.length > 0 && <p>{t('dh.try.flagged', { terms: [...new Set(f.flagged.map((h) => h.term))].join('、') })}</p>}
          <h3>{t('dh.try.citations')}</h3>
          {result.citations.length === 0 ? (
            <p className="muted">{t('dh.try.noCitations')}</p>
          ) : (
            <ul className="dh-list">
              {result.citations.map((c, i) => (
                <li key={i}>
                  <CitationLine c={c} />
                </li>
              ))}
            </ul>
          )}
          {misquote && !f.blocked && (
            <ul className="dh-policy">
              <li>{t('dh.try.policyStaff')}</li>
              <li>{t('dh.try.policyMember')}</li>
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
