/**
 * Distress alerts (the `alert` frame, kind distress): one prominent, dismissable notice per member
 * message, with the member's name, the excerpt and a button to open the chat. Shown on the desk
 * (assignee, masters on shift), the supervisor page and the dashboard.
 */
import type { DistressAlert } from '../../../client/store';
import { useI18n } from '../../i18n';
import { useStore } from '../../session';

/** The alerts not yet dismissed; `readOnly` labels the button for supervisors, who only watch. */
export function DistressAlerts({ onOpen, readOnly }: { onOpen(alert: DistressAlert): void; readOnly?: boolean }) {
  const store = useStore();
  const { t, time } = useI18n();
  if (!store.alerts.length) return null;
  return (
    <section className="distress-alerts" aria-label={t('iu.alert.region')} data-testid="distress-alerts">
      {store.alerts.map((a) => (
        <div key={a.messageId} className="distress-alert" role="alert" data-testid="distress-alert" data-chat-id={a.chatId}>
          <div className="distress-text">
            <strong>{t('iu.alert.title', { name: a.memberName })}</strong>
            <time dateTime={a.at} className="muted"> · {time(a.at)}</time>
            <p>{t('iu.alert.body')}</p>
            <q className="distress-excerpt" data-testid="distress-excerpt">{a.excerpt}</q>
          </div>
          <div className="distress-actions">
            <button type="button" className="btn-danger" onClick={() => onOpen(a)} data-testid="distress-open">
              {t(readOnly ? 'iu.alert.openReadOnly' : 'iu.alert.open')}
            </button>
            <button type="button" className="btn-secondary" onClick={() => store.dismissAlert(a.messageId)} aria-label={t('iu.alert.dismissOf', { name: a.memberName })} data-testid="distress-dismiss">
              {t('iu.alert.dismiss')}
            </button>
          </div>
        </div>
      ))}
    </section>
  );
}
