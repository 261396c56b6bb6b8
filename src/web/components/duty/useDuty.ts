/** The duty status (GET /api/desk/duty), fetched again when `refreshKey` changes and every minute. */
import { useEffect, useState } from 'react';
import type { DutyStatusDto } from '../../../shared/duty';
import { useSession } from '../../session';

/** The current duty status, or null until loaded. */
export function useDuty(refreshKey?: unknown): DutyStatusDto | null {
  const { api } = useSession();
  const [duty, setDuty] = useState<DutyStatusDto | null>(null);
  useEffect(() => {
    let stale = false;
    const load = () => void api.request<DutyStatusDto>('GET', '/api/desk/duty').then((d) => !stale && setDuty(d), () => {});
    load();
    const timer = setInterval(load, 60_000);
    return () => {
      stale = true;
      clearInterval(timer);
    };
  }, [api, refreshKey]);
  return duty;
}
