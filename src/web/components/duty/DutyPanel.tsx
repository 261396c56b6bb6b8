/** The dashboard's duty card: the mode, why and until when, the masters on shift and distress chats. */
import { useI18n, type MessageKey } from '../../i18n';
import { timeOf, dayOf } from '../desk-admin/zone';
import { useDuty } from './useDuty';

const STATUS_KEY: Record<string, MessageKey> = { online: 'presence.online', away: 'presence.away', offline: 'presence.offline' };

/** The duty card; `refreshKey` changes with every live dashboard update. */
export function DutyPanel({ timezone, refreshKey }: { timezone: string; refreshKey: unknown }) {
  const { t } = useI18n();
  const duty = useDuty(refreshKey);
  if (!duty) return null;
  const until = duty.until ? `${dayOf(new Date(duty.until), timezone)} ${timeOf(new Date(duty.until), timezone)}` : '';
  return (
    <section className="da-card duty-panel" aria-labelledby="duty-title" data-testid="duty-panel" data-on={duty.masterOnDuty}>
      <h2 id="duty-title">{t('duty.title')}</h2>
      <p data-testid="duty-mode">
        {duty.masterOnDuty && duty.reason ? t('duty.on', { reason: t(`duty.reason.${duty.reason}`), until }) : t('duty.off')}
        {duty.holyDay && ` · ${duty.holyDay.name}（${duty.holyDay.lunar}）`}
      </p>
      <h3>{t('duty.masters')}</h3>
      {duty.masters.length === 0 ? (
        <p className="muted">{t('duty.noMasters')}</p>
      ) : (
        <ul data-testid="duty-masters">
          {duty.masters.map((m) => (
            <li key={m.id}>
              {m.name} · {t(STATUS_KEY[m.status] ?? 'presence.offline')}
            </li>
          ))}
        </ul>
      )}
      {duty.distressChats != null && duty.distressChats > 0 && <p className="alert">{t('duty.distress', { n: duty.distressChats })}</p>}
    </section>
  );
}
