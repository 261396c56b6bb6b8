/** Polling for tests that wait on background work (jobs, reactions, other nodes). */

/** Resolves with the first truthy value `check` returns; throws after `timeoutMs`. */
export async function until<T>(check: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
