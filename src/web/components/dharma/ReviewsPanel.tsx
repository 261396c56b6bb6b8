/** The review queue: messages the filter flagged and members' misquotes; supervisors mark them done. */
import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../../i18n';
import { ChatWindow } from '../ChatWindow';
import { useSession } from '../../session';
import { ActionStatus } from './ActionStatus';
import { CitationLine } from './CitationNotice';
import { fetchReviews, resolveReview, type Review } from './dharmaApi';
import { useAdminAction } from './useAdminAction';

/** The review list (supervisors, admins). */
export function ReviewsPanel() {
  const { api } = useSession();
  const { t, time } = useI18n();
  const [which, setWhich] = useState<'open' | 'resolved'>('open');
  const [items, setItems] = useState<Review[] | null>(null);
  // One conversation open at a time, read-only, to see the flagged message in its context.
  const [viewing, setViewing] = useState<string | null>(null);
  const { busy, status, error, run } = useAdminAction();

  const load = useCallback(() => run(() => fetchReviews(api, which), setItems), [api, run, which]);
  useEffect(() => {
    setItems(null);
    void load();
  }, [load]);

  const resolve = (r: Review) =>
    run(() => resolveReview(api, r.id), () => {
      setItems((now) => now?.filter((x) => x.id !== r.id) ?? null);
      return t('dh.reviews.done');
    });

  return (
    <section className="dh-card" aria-labelledby="dh-reviews-title">
      <div className="dh-row">
        <h2 id="dh-reviews-title">{t('dh.reviews.title')}</h2>
        <span className="spacer" />
        <div role="group" aria-label={t('dh.reviews.show')} className="dh-seg">
          {(['open', 'resolved'] as const).map((w) => (
            <button key={w} type="button" aria-pressed={which === w} className={which === w ? 'chip chip-on' : 'chip'} onClick={() => setWhich(w)}>
              {t(`dh.reviews.${w}`)}
            </button>
          ))}
        </div>
        <button type="button" className="btn-secondary" disabled={busy} onClick={() => void load()}>
          {t('dh.refresh')}
        </button>
      </div>
      <ActionStatus status={status} error={error} />
      {!items && <p role="status">{t('app.loading')}</p>}
      {items && !items.length && <p className="muted">{t(which === 'open' ? 'dh.reviews.noneOpen' : 'dh.reviews.noneResolved')}</p>}
      <ul className="dh-reviews" data-testid="reviews">
        {items?.map((r) => (
          <li key={r.id} className={`dh-review dh-review-${r.kind}`} data-kind={r.kind}>
            <p className="dh-review-head">
              <strong>{t(r.kind === 'content' ? 'dh.marks.content' : 'dh.marks.unverified')}</strong>
              <span>
                {r.senderName ?? '—'} · {t(`role.${r.senderRole}` as 'role.member')} · {time(r.createdAt)}
              </span>
              <span className="muted">{t('dh.reviews.where', { chat: r.chatId.slice(0, 8), seq: r.seq })}</span>
            </p>
            <blockquote className="dh-review-text">{r.text}</blockquote>
            {r.kind === 'content' ? (
              <p>{t('dh.reviews.terms', { terms: Array.isArray(r.detail.terms) ? r.detail.terms.join('、') : '' })}</p>
            ) : (
              <CitationLine c={r.detail} />
            )}
            <div className="dh-row">
              <button type="button" className="btn-secondary" aria-expanded={viewing === r.id} aria-controls={`dh-chat-${r.id}`} onClick={() => setViewing((v) => (v === r.id ? null : r.id))}>
                {t(viewing === r.id ? 'dh.reviews.hideChat' : 'dh.reviews.showChat')}
              </button>
              {!r.resolvedAt && (
                <button type="button" className="btn-secondary" disabled={busy} onClick={() => void resolve(r)}>
                  {t('dh.reviews.resolve')}
                </button>
              )}
            </div>
            {viewing === r.id && (
              <div className="dh-chat" id={`dh-chat-${r.id}`}>
                <ChatWindow chatId={r.chatId} mode="readonly" />
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
