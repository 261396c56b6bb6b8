/** Tells the user when the live connection is down; what they type is kept and sent later. */
import { useI18n } from '../i18n';
import { useStore } from '../session';

/** A banner shown while the connection is not open. */
export function ConnectionBanner() {
  const store = useStore();
  const { t } = useI18n();
  const state = store.conn.state;
  if (state === 'open') return null;
  const waiting = store.conn.pending().length;
  return (
    <div className={`banner banner-${state}`} role="status" data-testid="connection-banner" data-state={state}>
      <span className="spinner" aria-hidden="true" />
      {state === 'reconnecting' ? t('conn.reconnecting') : state === 'closed' ? t('conn.closed') : t('conn.connecting')}
      {waiting > 0 && <span className="banner-note"> {t('conn.queued', { n: waiting })}</span>}
    </div>
  );
}
