/**
 * The signed-in session: where the token comes from (dev login, `?token=`, or a `postMessage` from
 * the shop page embedding us), and the API client, connection and store built on it.
 */
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { ApiClient, ApiError, type Me } from '../client/api';
import { ChatConnection } from '../client/connection';
import { ChatStore } from '../client/store';
import { useI18n } from './i18n';

const TOKEN_KEY = 'lotusdesk.token';

/** Reads a token handed over in the URL (`?token=`) and removes it from the address bar. */
export function takeTokenFromUrl(): string | null {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (!token) return null;
  url.searchParams.delete('token');
  history.replaceState(null, '', url.pathname + url.search + url.hash);
  return token;
}

/** The saved token of this tab (sessionStorage, so two tabs can be two different users). */
export function savedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** Saves (or forgets) this tab's token. */
export function saveToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage blocked: the session lasts as long as the page
  }
}

export interface Session {
  me: Me;
  token: string;
  api: ApiClient;
  conn: ChatConnection;
  store: ChatStore;
  logout(): void;
}

const SessionContext = createContext<Session | null>(null);

function wsUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/** Builds the session for a token; renders `fallback(error)` while signing in or after a refusal. */
export function SessionProvider({ token, onLogout, children, loading }: { token: string; onLogout(reason?: string): void; children: ReactNode; loading: ReactNode }) {
  const { locale } = useI18n();
  const [session, setSession] = useState<Session | null>(null);

  useEffect(() => {
    let cancelled = false;
    let conn: ChatConnection | null = null;
    let store: ChatStore | null = null;
    const api = new ApiClient('', token, locale);
    api
      .me()
      .then(({ user }) => {
        if (cancelled) return;
        conn = new ChatConnection({ url: wsUrl(), token, locale, storage: sessionStorage, storageKey: `lotusdesk.outbox.${user.id}` });
        store = new ChatStore(api, conn, user.id);
        conn.on('unauthenticated', () => onLogout('unauthenticated'));
        // The browser knows before the socket does: try again the moment the network is back.
        const online = () => conn?.reconnectNow();
        window.addEventListener('online', online);
        conn.start();
        setSession({ me: user, token, api, conn, store, logout: () => onLogout() });
        const stop = conn;
        cleanup = () => {
          window.removeEventListener('online', online);
          stop.stop();
          store?.dispose();
        };
      })
      .catch((err) => {
        if (!cancelled) onLogout(err instanceof ApiError ? err.code : 'internal');
      });
    let cleanup = () => {};
    return () => {
      cancelled = true;
      cleanup();
      setSession(null);
    };
    // The locale is read once per session; later changes go to api.locale below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token]);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/immutability -- the session's ApiClient is a live service object; its locale is a setting, not render state
    if (session) session.api.locale = locale;
  }, [locale, session]);

  if (!session) return <>{loading}</>;
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The current session. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** Re-renders when the chat store changes and returns it. */
export function useStore(): ChatStore {
  const { store } = useSession();
  useSyncExternalStore(store.subscribe, store.getVersion);
  return store;
}

/** Memo helper for the current session's connection state. */
export function useConnectionState() {
  const store = useStore();
  return store.conn.state;
}
