/**
 * 三寶認證審核 (/certifications): the masters' and admins' queue of waiting applications, oldest
 * first, with the certificate photos; approve, or reject with a reason.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../../client/api';
import '../components/dharma/dharma.css';
import '../components/members/members.css';
import { withToken } from '../components/format';
import { decideCertification, fetchCertifications, type Certification } from '../components/members/membersApi';
import { useI18n } from '../i18n';
import { useSession } from '../session';

/** The review queue page. */
export function CertificationReviewPage() {
  const { api } = useSession();
  const { t, errorText } = useI18n();
  const [queue, setQueue] = useState<Certification[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    () => fetchCertifications(api, 'pending').then(setQueue, (err) => setError(err instanceof ApiError ? errorText(err.code) : t('error.network'))),
    [api, errorText, t],
  );
  useEffect(() => void load(), [load]);
  const decided = (id: string) => setQueue((q) => (q ?? []).filter((c) => c.id !== id));
  return (
    <div className="dh-page" data-testid="certification-review">
      <header className="dh-head">
        <h1>{t('mb.review.title')}</h1>
      </header>
      {error && <p className="alert" role="alert">{error}</p>}
      {queue === null && !error && <p role="status">{t('app.loading')}</p>}
      {queue?.length === 0 && <p className="muted">{t('mb.review.empty')}</p>}
      <div className="dh-list">
        {queue?.map((c) => <Application key={c.id} c={c} onDecided={decided} />)}
      </div>
    </div>
  );
}

function Application({ c, onDecided }: { c: Certification; onDecided(id: string): void }) {
  const { api, token } = useSession();
  const { t, locale, errorText } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const decide = async (approve: boolean) => {
    if (!approve && !reason.trim()) {
      setError(t('mb.review.needReason'));
      return;
    }
    try {
      await decideCertification(api, c.id, approve, approve ? undefined : reason);
      onDecided(c.id);
    } catch (err) {
      setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));
    }
  };
  const reasonId = `reason-${c.id}`;
  return (
    <article className="dh-card" data-testid="certification-application" data-id={c.id} aria-label={c.memberName ?? c.memberId}>
      <h2>{c.memberName}</h2>
      <p className="muted">{t('mb.review.applied', { date: date.format(new Date(c.createdAt)) })}</p>
      <dl className="dh-rule-grid">
        <dt>{t('mb.cert.refugeDate')}</dt>
        <dd>{c.refugeDate}</dd>
        <dt>{t('mb.cert.temple')}</dt>
        <dd>{c.refugeTemple}</dd>
        <dt>{t('mb.cert.master')}</dt>
        <dd>{c.master}</dd>
        {c.dharmaName && (
          <>
            <dt>{t('mb.cert.dharmaName')}</dt>
            <dd>{c.dharmaName}</dd>
          </>
        )}
        {c.note && (
          <>
            <dt>{t('mb.cert.note')}</dt>
            <dd>{c.note}</dd>
          </>
        )}
      </dl>
      <div className="mb-photos">
        {c.attachments.map((id) => (
          <a key={id} href={withToken(`/api/uploads/${id}`, token)} target="_blank" rel="noreferrer">
            <img src={withToken(`/api/uploads/${id}/thumbnail`, token)} alt={t('mb.review.photoOf', { name: c.memberName ?? '' })} data-testid="certification-photo" />
          </a>
        ))}
      </div>
      <div className="dh-stack">
        <label htmlFor={reasonId}>{t('mb.review.reason')}</label>
        <textarea id={reasonId} rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="review-reason" />
        <div className="dh-row">
          <button type="button" className="btn-primary" onClick={() => void decide(true)} data-testid="review-approve">{t('mb.review.approve')}</button>
          <button type="button" className="btn-danger" onClick={() => void decide(false)} data-testid="review-reject">{t('mb.review.reject')}</button>
        </div>
        {error && <p className="alert" role="alert">{error}</p>}
      </div>
    </article>
  );
}
