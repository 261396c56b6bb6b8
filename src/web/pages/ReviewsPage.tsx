/** 審閱 (/reviews): the supervisors' queue of flagged messages and members' misquotes. */
import { ReviewsPanel } from '../components/dharma/ReviewsPanel';
import '../components/dharma/dharma.css';
import { useI18n } from '../i18n';

/** The review page. */
export function ReviewsPage() {
  const { t } = useI18n();
  return (
    <div className="dh-page">
      <header className="dh-head">
        <h1>{t('dh.reviews.pageTitle')}</h1>
        <p className="muted">{t('dh.reviews.help')}</p>
      </header>
      <ReviewsPanel />
    </div>
  );
}
