/** Sign-in: demo users on the embedded default; otherwise the shop hands over a token. */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { ApiClient, ApiError, type DemoUser } from '../../client/api';
import { ROLES, type Role } from '../../shared/protocol';
import { LotusIcon } from '../components/Icons';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useI18n } from '../i18n';

/** The sign-in page. */
export function LoginPage({ embed, reason, onToken }: { embed: boolean; reason: string | null; onToken(token: string): void }) {
  const { t, locale, errorText } = useI18n();
  const [users, setUsers] = useState<DemoUser[] | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(reason ? errorText(reason) : null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('member');
  const nameId = useId();
  const roleId = useId();
  const api = new ApiClient('', null, locale);

  useEffect(() => {
    api.devUsers().then(setUsers, () => setUsers(null));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const login = async (n: string, r: Role) => {
    setError(null);
    try {
      onToken(await api.devLogin(n, r));
    } catch (err) {
      setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) void login(name.trim(), embed ? 'member' : role);
  };
  const shown = users?.filter((u) => !embed || u.role === 'member');

  return (
    <main className={`login ${embed ? 'login-embed' : ''}`} id="main">
      <div className="login-card">
        <div className="login-head">
          <h1>
            <LotusIcon size={28} />
            {t('app.name')}
          </h1>
          <LanguageSwitch />
        </div>
        {error && (
          <p className="alert" role="alert">
            {error}
          </p>
        )}
        {users === undefined && <p role="status">{t('app.loading')}</p>}
        {users === null && <p>{t('login.needToken')}</p>}
        {shown && (
          <>
            <h2>{t('login.pickDemo')}</h2>
            <ul className="demo-users">
              {shown.map((u) => (
                <li key={u.sub}>
                  <button type="button" onClick={() => void login(u.name, u.role)} data-testid={`demo-${u.sub}`}>
                    <span className="demo-name">{u.name}</span>
                    <span className="role-tag">{t(`role.${u.role}`)}</span>
                  </button>
                </li>
              ))}
            </ul>
            <form onSubmit={submit} className="login-form">
              <h2>{t('login.other')}</h2>
              <label htmlFor={nameId}>{t('login.name')}</label>
              <input id={nameId} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoComplete="nickname" />
              {!embed && (
                <>
                  <label htmlFor={roleId}>{t('login.role')}</label>
                  <select id={roleId} value={role} onChange={(e) => setRole(e.target.value as Role)}>
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`role.${r}`)}
                      </option>
                    ))}
                  </select>
                </>
              )}
              <button type="submit" className="btn-primary" disabled={!name.trim()}>
                {t('login.submit')}
              </button>
            </form>
          </>
        )}
      </div>
    </main>
  );
}
