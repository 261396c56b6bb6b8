/** The app shell: sign-in, then the page for the path (or the embedded member window). */
import { Suspense, useEffect, useState } from 'react';
import { LotusIcon } from './components/Icons';
import { LanguageSwitch } from './components/LanguageSwitch';
import { useI18n } from './i18n';
import { LoginPage } from './pages/LoginPage';
import { EmbedPage } from './pages/EmbedPage';
import { fromParent, postToParent } from './embed-parent';
import { homeOf, PAGES } from './pages';
import { Link, navigate, usePath } from './router';
import { saveToken, savedToken, SessionProvider, takeTokenFromUrl, useSession } from './session';

/** Root component. */
export function App() {
  const path = usePath();
  const embed = path === '/embed' || path.startsWith('/embed/');
  const { t } = useI18n();
  const [token, setToken] = useState<string | null>(() => {
    const fromUrl = takeTokenFromUrl();
    if (fromUrl) saveToken(fromUrl);
    return fromUrl ?? savedToken();
  });
  const [reason, setReason] = useState<string | null>(null);

  useEffect(() => {
    // The shop page that embeds us may hand over its member's token by postMessage (from an allowed origin only).
    const onMessage = async (e: MessageEvent) => {
      if (!(await fromParent(e))) return;
      const data = e.data as { type?: string; token?: unknown } | null;
      if (data?.type === 'lotusdesk:token' && typeof data.token === 'string' && data.token) {
        saveToken(data.token);
        setReason(null);
        setToken(data.token);
      }
    };
    window.addEventListener('message', onMessage);
    postToParent({ type: 'lotusdesk:ready' });
    return () => window.removeEventListener('message', onMessage);
  }, []);

  const signIn = (tok: string) => {
    saveToken(tok);
    setReason(null);
    setToken(tok);
  };
  const signOut = (why?: string) => {
    saveToken(null);
    setToken(null);
    setReason(why ?? null);
  };

  if (!token) return <LoginPage embed={embed} reason={reason} onToken={signIn} />;
  return (
    <SessionProvider token={token} onLogout={signOut} loading={<p className="loading" role="status">{t('app.loading')}</p>}>
      {embed ? <EmbedPage /> : <Shell path={path} />}
    </SessionProvider>
  );
}

function Shell({ path }: { path: string }) {
  const { me, logout } = useSession();
  const { t } = useI18n();
  const mine = PAGES.filter((p) => p.roles.includes(me.role));
  const page = PAGES.find((p) => p.path === path);
  useEffect(() => {
    if (path === '/' || path === '/login') navigate(homeOf(me.role), true);
  }, [path, me.role]);
  const Page = page?.component;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">{t('app.skip')}</a>
      <header className="topbar">
        <LotusIcon size={26} />
        <strong className="brand-name">{t('app.name')}</strong>
        <nav aria-label={t('nav.label')} className="topnav">
          {mine.map((p) => (
            <Link key={p.path} href={p.path} aria-current={p.path === path ? 'page' : undefined}>
              {t(p.label)}
            </Link>
          ))}
        </nav>
        <span className="spacer" />
        <LanguageSwitch />
        <span className="whoami">
          {me.name} · {t(`role.${me.role}`)}
        </span>
        <button type="button" className="btn-secondary" onClick={logout}>
          {t('app.logout')}
        </button>
      </header>
      <main id="main" tabIndex={-1} className="main">
        {Page && page.roles.includes(me.role) ? (
          <Suspense fallback={<p className="loading" role="status">{t('app.loading')}</p>}>
            <Page />
          </Suspense>
        ) : page ? <p className="notice">{t('app.notForRole')}</p> : path === '/' ? null : <p className="notice">{t('app.notFound')} <Link href={homeOf(me.role)}>{t('app.home')}</Link></p>}
      </main>
    </div>
  );
}
