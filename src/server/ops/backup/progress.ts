/** Progress reporting for backup and restore: the CLI draws bars, the cron job stays quiet. */
export interface Progress {
  /** A new phase with `total` steps. */
  start(total: number, phase: string): void;
  /** Moves to `value` steps done, optionally naming the current item. */
  update(value: number, item?: string): void;
  stop(): void;
}

/** Progress that reports nothing (background jobs). */
export const silentProgress: Progress = { start() {}, update() {}, stop() {} };
