/**
 * Fault injection for the cluster tests: `LOTUSDESK_FAULT_CRASH_AFTER_COMMIT=<marker>` makes the
 * process kill itself (SIGKILL, no cleanup) right after a change whose text contains the marker
 * has committed and before anything about it is published: a message's text, or a new chat's
 * topic. It proves that the outbox relay and the message relay deliver what a dead node stored.
 * Refused in production (NODE_ENV=production): the variable is then ignored, loudly.
 */

export interface Faults {
  /** Dies here when `text` carries the configured marker. */
  afterCommit(text: string | null | undefined): void;
}

/** No faults: the production path. */
export const NO_FAULTS: Faults = { afterCommit: () => {} };

/** Reads the fault markers from the environment (ignored in production). */
export function faultsFromEnv(env: NodeJS.ProcessEnv, production: boolean, warn: (msg: string) => void): Faults {
  const marker = env.LOTUSDESK_FAULT_CRASH_AFTER_COMMIT;
  if (!marker) return NO_FAULTS;
  if (production) {
    warn('LOTUSDESK_FAULT_CRASH_AFTER_COMMIT is ignored in production');
    return NO_FAULTS;
  }
  warn(`fault injection on: this process dies after committing a change that contains ${JSON.stringify(marker)}`);
  return {
    afterCommit(text) {
      if (text?.includes(marker)) process.kill(process.pid, 'SIGKILL');
    },
  };
}
