/** The live pending queue: member and tier, topic, wait in minutes, urgency bar, and 接聽. */
import type { ChatDto } from '../../shared/protocol';
import { useI18n } from '../i18n';
import { minutesSince } from './format';
import { useNow } from './hooks';

/** Pending chats, most urgent first. */
export function QueueList({ chats, onAccept, busy }: { chats: ChatDto[]; onAccept?(chat: ChatDto): void; busy?: string | null }) {
  const { t } = useI18n();
  const now = useNow(15_000);
  if (!chats.length) return <p className="empty" data-testid="queue-empty">{t('desk.queueEmpty')}</p>;
  return (
    <ul className="queue" data-testid="queue">
      {chats.map((c) => {
        const minutes = minutesSince(c.createdAt, now);
        const urgency = Math.max(0, Math.min(1, c.urgency ?? 0));
        return (
          <li key={c.id} className={`queue-item ${c.distress ? 'distress' : ''}`} data-testid="queue-item" data-chat-id={c.id}>
            <div className="queue-top">
              <strong className="queue-member">{c.memberName ?? t('role.member')}</strong>
              {c.memberTier && <span className={`tier tier-${c.memberTier}`}>{t(`tier.${c.memberTier}` as 'tier.regular')}</span>}
              {c.distress && <span className="tag-distress">{t('desk.distress')}</span>}
            </div>
            <div className="queue-topic">{c.topic ?? t('chat.untitled')}</div>
            {c.labels?.length ? (
              <ul className="chips chips-small" aria-label={t('sv.labels.title')}>
                {c.labels.map((l) => <li key={l} className="chip" data-testid="queue-label">{l}</li>)}
              </ul>
            ) : null}
            <div className="queue-wait" data-testid="queue-wait" data-minutes={minutes}>
              {t('desk.waited', { minutes })}
            </div>
            <label className="urgency">
              <span className="sr-only">{t('desk.urgency')}</span>
              <meter min={0} max={1} low={0.4} high={0.7} optimum={0} value={urgency} title={`${t('desk.urgency')} ${Math.round(urgency * 100)}%`} />
            </label>
            {onAccept && (
              <button type="button" className="btn-accept" onClick={() => onAccept(c)} disabled={busy === c.id} aria-label={t('desk.acceptChat', { name: c.memberName ?? '' })} data-testid="accept">
                {t('desk.accept')}
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
