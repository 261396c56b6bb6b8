/**
 * A connection lives no longer than the token it said hello with: one timer per connection fires
 * when the token expires (or reaches the configured maximum age) and is cleared when it closes.
 */

/** setTimeout holds at most 2^31-1 ms (about 24.8 days); a later moment is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `onExpire` once when `expiresAt` (epoch ms) passes; returns the function that cancels it. */
export function watchTokenExpiry(expiresAt: number, onExpire: () => void): () => void {
  let timer: NodeJS.Timeout | null = null;
  const arm = () => {
    const wait = expiresAt - Date.now();
    if (wait <= 0) {
      timer = null;
      onExpire();
      return;
    }
    timer = setTimeout(arm, Math.min(wait, MAX_TIMER_MS));
    // Never keeps the process alive by itself (drain closes every socket anyway).
    timer.unref?.();
  };
  arm();
  return () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
