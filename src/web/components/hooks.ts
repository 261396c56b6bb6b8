/** Small React hooks shared by pages. */
import { useEffect, useState } from 'react';

/** The current time, refreshed every `ms` (for "waiting N minutes" labels). */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}
