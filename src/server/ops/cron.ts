/**
 * Periodic tasks of the cron role, run once per cluster however many cron processes there are.
 *
 * Ticks are aligned to multiples of the interval since the epoch, so every cron process computes
 * the same tick number at about the same time; the first to claim that tick on the bus (a Redis
 * SET NX with a lifetime, or an in-process map on the embedded bus) runs it, the others skip it.
 * Aligned ticks also make a crashed cron process harmless: the next tick is claimed afresh.
 */
import type { Bus } from '../bus/bus';

export type CronTask = (tick: number) => Promise<unknown>;

interface Log {
  warn(o: unknown, m?: string): void;
}

/** Longest single wait: long intervals are reached in steps (timers overflow past ~24.8 days). */
const MAX_WAIT_MS = 60_000;

export class ClusterCron {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly tasks = new Map<string, CronTask>();
  private stopped = false;
  /** Ticks this process ran and skipped (claimed elsewhere), by task, for metrics and tests. */
  readonly stats = new Map<string, { ran: number; skipped: number }>();

  constructor(
    private readonly bus: Bus,
    private readonly log: Log,
    private readonly onRun?: (name: string) => void,
  ) {}

  /** Runs `task` every `intervalMs`, once per cluster per tick. */
  every(name: string, intervalMs: number, task: CronTask): void {
    if (!(intervalMs > 0)) throw new Error(`cron ${name}: interval must be positive, got ${intervalMs}`);
    this.stats.set(name, { ran: 0, skipped: 0 });
    this.tasks.set(name, task);
    const next = (after: number) => (Math.floor(after / intervalMs) + 1) * intervalMs;
    const wait = (due: number) => {
      if (this.stopped) return;
      const left = due - Date.now();
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (Date.now() < due) return wait(due);
        void this.fire(name, intervalMs, Math.round(due / intervalMs)).finally(() => wait(next(Date.now())));
      }, Math.max(0, Math.min(left, MAX_WAIT_MS)));
      t.unref?.();
      this.timers.add(t);
    };
    wait(next(Date.now()));
  }

  /** Stops every schedule (running tasks finish on their own). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async fire(name: string, intervalMs: number, tick: number): Promise<void> {
    const stats = this.stats.get(name)!;
    let mine = false;
    try {
      // The claim outlives the tick by a margin so clock skew between machines cannot rerun it.
      mine = await this.bus.claim(`cron:${name}:${tick}`, intervalMs + 60_000);
    } catch (err) {
      this.log.warn({ err, task: name }, 'cron claim failed; skipping this tick');
    }
    if (!mine) {
      stats.skipped++;
      return;
    }
    stats.ran++;
    this.onRun?.(name);
    try {
      await this.tasks.get(name)!(tick);
    } catch (err) {
      this.log.warn({ err, task: name }, 'cron task failed');
    }
  }
}
