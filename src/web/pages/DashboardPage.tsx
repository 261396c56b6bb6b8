/**
 * 監控儀表板 (supervisors and admins). The content and chart.js load on first visit, so members
 * and agents never download the charting code.
 */
import { lazy, Suspense } from 'react';
import { DistressAlerts } from '../components/insight/DistressAlerts';
import { useI18n } from '../i18n';
import { navigate } from '../router';

const Dashboard = lazy(() => import('../components/desk-admin/Dashboard'));

/** The monitoring dashboard page. */
export function DashboardPage() {
  const { t } = useI18n();
  return (
    <>
      <DistressAlerts readOnly onOpen={(a) => navigate(`/supervisor?chat=${encodeURIComponent(a.chatId)}`)} />
      <Suspense fallback={<p className="loading" role="status">{t('app.loading')}</p>}>
        <Dashboard />
      </Suspense>
    </>
  );
}
