/** The member window's note that a Dharma master is on duty (and which holy day it is). */
import { useI18n } from '../../i18n';
import { useDuty } from './useDuty';

/** Shows nothing unless a master is on duty. */
export function DutyBanner() {
  const { t } = useI18n();
  const duty = useDuty();
  if (!duty?.masterOnDuty) return null;
  return (
    <p className="duty-banner" role="status" data-testid="duty-banner">
      {duty.holyDay ? t('duty.bannerHoly', { name: duty.holyDay.name, lunar: duty.holyDay.lunar }) : t('duty.banner')}
    </p>
  );
}
