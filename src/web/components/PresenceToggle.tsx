/** My presence (online, away, offline) for agents and masters. */
import { useEffect, useId, useState } from 'react';
import { ApiError, type Presence } from '../../client/api';
import { useI18n } from '../i18n';
import { useSession, useStore } from '../session';

const STATES: Presence[] = ['online', 'away', 'offline'];

/** Radio group setting POST /api/presence. */
export function PresenceToggle() {
  const { api, me } = useSession();
  const state = useStore().conn.state;
  const { t, errorText } = useI18n();
  const [status, setStatus] = useState<Presence | null>(null);
  const [error, setError] = useState<string | null>(null);
  const name = useId();
  useEffect(() => {
    api.roster().then((r) => setStatus(r.find((a) => a.id === me.id)?.status ?? 'online'), () => setStatus('online'));
    // Refetched when the socket opens: connecting is what makes us online.
  }, [api, me.id, state]);
  const choose = async (s: Presence) => {
    setError(null);
    const before = status;
    setStatus(s);
    try {
      setStatus(await api.setPresence(s));
    } catch (err) {
      setStatus(before);
      setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));
    }
  };
  return (
    <fieldset className="presence" data-testid="presence">
      <legend>{t('presence.label')}</legend>
      {STATES.map((s) => (
        <label key={s} className={`presence-opt presence-${s}`}>
          <input type="radio" name={name} value={s} checked={status === s} onChange={() => void choose(s)} />
          {t(`presence.${s}`)}
        </label>
      ))}
      {error && <p className="alert" role="alert">{error}</p>}
    </fieldset>
  );
}
