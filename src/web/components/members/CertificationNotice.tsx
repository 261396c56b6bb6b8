/**
 * Tells the member in the chat window when staff decide their 三寶 certification (the
 * `certification` frame): approved, or not with the reviewer's reason. Dismissable.
 */
import { useEffect, useState } from 'react';
import type { Certification } from '../../../shared/members';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import './members.css';

/** The latest decision heard on this connection, until dismissed. */
export function CertificationNotice() {
  const { conn } = useSession();
  const { t } = useI18n();
  const [decided, setDecided] = useState<Certification | null>(null);
  useEffect(() => conn.on('frame', (f) => {
    if (f.type === 'certification') setDecided((f as { certification: Certification }).certification);
  }), [conn]);
  if (!decided) return null;
  return (
    <div className="mb-notice dh-row" role="status" data-testid="certification-notice" data-status={decided.status}>
      <span style={{ flex: 1 }}>
        {decided.status === 'approved' ? t('mb.cert.notice.approved') : t('mb.cert.notice.rejected', { reason: decided.reason ?? '' })}
      </span>
      <button type="button" className="btn-link" onClick={() => setDecided(null)}>{t('iu.alert.dismiss')}</button>
    </div>
  );
}
