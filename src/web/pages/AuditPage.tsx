/** 稽核紀錄 (/audit): admins list and filter the audit log, export it as CSV, and see whether its hash chain verifies. */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import '../components/dharma/dharma.css';
import { ActionStatus } from '../components/dharma/ActionStatus';
import { useAdminAction } from '../components/dharma/useAdminAction';
import { fetchAudit, fetchAuditCsv, verifyChain, type AuditQuery } from '../components/trust/trustApi';
import { useI18n, type MessageKey } from '../i18n';
import { useSession } from '../session';
import { AUDIT_ACTIONS, type AuditEntryDto, type ChainCheckDto } from '../../shared/trust';

const PAGE = 100;

/** datetime-local value (the browser's local time) → ISO, or undefined when empty. */
const isoOf = (local: string): string | undefined => (local ? new Date(local).toISOString() : undefined);

/** The audit page (admins). */
export function AuditPage() {
  const { api } = useSession();
  const { t, locale } = useI18n();
  const ids = useId();
  const [form, setForm] = useState({ actorId: '', action: '', chatId: '', from: '', to: '' });
  const [applied, setApplied] = useState<AuditQuery>({});
  const [entries, setEntries] = useState<AuditEntryDto[] | null>(null);
  const [more, setMore] = useState(false);
  const [chain, setChain] = useState<ChainCheckDto | null>(null);
  const { busy, status, error, run } = useAdminAction();
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' });

  const load = useCallback(
    (q: AuditQuery) =>
      run(() => fetchAudit(api, q, 0, PAGE), (page) => {
        setEntries(page);
        setMore(page.length === PAGE);
      }),
    [api, run],
  );
  const check = useCallback(() => run(() => verifyChain(api), setChain), [api, run]);
  useEffect(() => {
    void load({});
    void check();
  }, [load, check]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const q: AuditQuery = { actorId: form.actorId.trim() || undefined, action: form.action || undefined, chatId: form.chatId.trim() || undefined, from: isoOf(form.from), to: isoOf(form.to) };
    setApplied(q);
    void load(q);
  };
  const loadMore = () =>
    run(() => fetchAudit(api, applied, entries?.at(-1)?.seq ?? 0, PAGE), (page) => {
      setEntries((now) => [...(now ?? []), ...page]);
      setMore(page.length === PAGE);
    });
  const download = () =>
    run(() => fetchAuditCsv(api, applied), (blob) => {
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = 'lotusdesk-audit.csv';
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return t('au.exported');
    });

  const actionLabel = (a: string) => ((AUDIT_ACTIONS as readonly string[]).includes(a) ? t(`au.action.${a}` as MessageKey) : a);
  const field = (name: keyof typeof form) => ({ id: `${ids}-${name}`, value: form[name], onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [name]: e.target.value })) });

  return (
    <div className="dh-page">
      <header className="dh-head">
        <h1>{t('au.title')}</h1>
        <p className="muted">{t('au.help')}</p>
      </header>
      <section className="dh-card" aria-labelledby={`${ids}-chain`} data-testid="audit-chain" data-ok={chain ? String(chain.ok) : undefined}>
        <div className="dh-row">
          <h2 id={`${ids}-chain`}>{t('au.chain.title')}</h2>
          <span className="spacer" />
          <button type="button" className="btn-secondary" disabled={busy} onClick={() => void check()}>
            {t('au.chain.verify')}
          </button>
        </div>
        {!chain && <p role="status">{t('app.loading')}</p>}
        {chain?.ok && (
          <p className="notice" role="status">
            ✓ {t('au.chain.ok', { n: chain.checked })} <code title={chain.head.hash}>{chain.head.hash.slice(0, 16)}…</code>
          </p>
        )}
        {chain && !chain.ok && (
          <p className="alert" role="alert">
            ✗ {t('au.chain.broken', { seq: chain.broken?.seq ?? 0, reason: t(`au.reason.${chain.broken?.reason ?? 'hash'}` as MessageKey) })}
          </p>
        )}
      </section>

      <section className="dh-card" aria-labelledby={`${ids}-list`}>
        <h2 id={`${ids}-list`}>{t('au.list.title')}</h2>
        <form className="dh-row" onSubmit={apply} aria-label={t('au.filter.label')}>
          <label htmlFor={`${ids}-actorId`}>{t('au.filter.actor')}</label>
          <input {...field('actorId')} placeholder="uuid" autoComplete="off" />
          <label htmlFor={`${ids}-action`}>{t('au.filter.action')}</label>
          <select {...field('action')}>
            <option value="">{t('au.filter.any')}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {actionLabel(a)}
              </option>
            ))}
          </select>
          <label htmlFor={`${ids}-chatId`}>{t('au.filter.chat')}</label>
          <input {...field('chatId')} placeholder="uuid" autoComplete="off" />
          <label htmlFor={`${ids}-from`}>{t('au.filter.from')}</label>
          <input type="datetime-local" {...field('from')} />
          <label htmlFor={`${ids}-to`}>{t('au.filter.to')}</label>
          <input type="datetime-local" {...field('to')} />
          <button type="submit" className="btn-primary" disabled={busy} data-testid="audit-apply">
            {t('au.filter.apply')}
          </button>
          <button type="button" className="btn-secondary" disabled={busy} onClick={() => void download()} data-testid="audit-csv">
            {t('au.export')}
          </button>
        </form>
        <ActionStatus status={status} error={error} />
        {entries && !entries.length && <p className="muted">{t('au.list.none')}</p>}
        {entries && entries.length > 0 && (
          <div className="dh-scroll">
            <table className="dh-table" data-testid="audit-table">
              <caption>{t('au.list.caption', { n: entries.length })}</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">#</th>
                  <th scope="col">{t('au.col.at')}</th>
                  <th scope="col">{t('au.col.actor')}</th>
                  <th scope="col">{t('au.col.action')}</th>
                  <th scope="col">{t('au.col.target')}</th>
                  <th scope="col">{t('au.col.details')}</th>
                  <th scope="col">{t('au.col.hash')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.seq} data-action={e.action}>
                    <th scope="row" className="num">{e.seq}</th>
                    <td>{when.format(new Date(e.at))}</td>
                    <td>
                      {t(`role.${e.actorRole}` as MessageKey)} <code title={e.actorId ?? ''}>{e.actorId?.slice(0, 8) ?? '—'}</code>
                    </td>
                    <td>{actionLabel(e.action)}</td>
                    <td>
                      <code>{e.target ?? '—'}</code>
                    </td>
                    <td>
                      <code>{Object.keys(e.details).length ? JSON.stringify(e.details) : '—'}</code>
                    </td>
                    <td>
                      <code title={e.hash}>{e.hash.slice(0, 12)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {more && (
          <button type="button" className="btn-secondary" disabled={busy} onClick={() => void loadMore()}>
            {t('au.list.more')}
          </button>
        )}
      </section>
    </div>
  );
}
