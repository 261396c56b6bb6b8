/** The member window alone, for an iframe in the shop (see public/embed-demo.html). */
import { LotusIcon } from '../components/Icons';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { MemberPage } from './MemberPage';

/** Embedded widget: a slim header and the member chat. */
export function EmbedPage() {
  const { me, logout } = useSession();
  const { t } = useI18n();
  return (
    <div className="embed">
      <header className="embed-bar">
        <LotusIcon />
        <strong>{t('app.name')}</strong>
        <span className="spacer" />
        <LanguageSwitch />
        <span className="embed-user">{me.name}</span>
        <button type="button" className="btn-link" onClick={logout}>
          {t('app.logout')}
        </button>
      </header>
      <main id="main" className="embed-main">
        {me.role === 'member' ? <MemberPage /> : <p className="notice">{t('app.notForRole')}</p>}
      </main>
    </div>
  );
}
