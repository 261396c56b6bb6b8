/**
 * The live dashboard snapshot: fetched once over HTTP, then replaced by every `desk` frame the
 * server pushes to supervisors over the session's WebSocket, and patched by `presence` frames in
 * between. Refetched after a reconnect, since frames sent while away are gone.
 */
import { useCallback, useEffect, useState } from 'react';
import { useSession } from '../../session';
import { fetchDashboard, type DashboardSnapshot } from './deskApi';

export interface DeskFeed {
  snapshot: DashboardSnapshot | null;
  /** When the last live frame arrived (null until one has). */
  liveAt: number | null;
  error: unknown;
  /** Fetches the snapshot now (after a change this page made itself). */
  reload(): Promise<void>;
}


/** Subscribes a component to the supervisors' live desk feed. */
export function useDeskFeed(): DeskFeed {
  const { api, conn } = useSession();
  const [snapshot, setSnapshot] = useState<DashboardSnapshot | null>(null);
  const [liveAt, setLiveAt] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);

  const reload = useCallback(async () => {
    try {
      const s = await fetchDashboard(api);
      // A live frame newer than this answer wins.
      setSnapshot((cur) => (cur && cur.at > s.at ? cur : s));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [api]);

  useEffect(() => {
    void reload();
    const offFrame = conn.on('frame', (f) => {
      if (f.type === 'desk') {
        const next = f.snapshot;
        setSnapshot((cur) => (cur && cur.at > next.at ? cur : next));
        setLiveAt(Date.now());
      } else if (f.type === 'presence') {
        const { userId, status } = f;
        setSnapshot((cur) => (cur ? { ...cur, agents: cur.agents.map((a) => (a.id === userId ? { ...a, status } : a)) } : cur));
      }
    });
    let welcomed = false;
    const offWelcome = conn.on('welcome', () => {
      if (welcomed) void reload();
      welcomed = true;
    });
    if (conn.state === 'open') welcomed = true;
    return () => {
      offFrame();
      offWelcome();
    };
  }, [conn, reload]);

  return { snapshot, liveAt, error, reload };
}
