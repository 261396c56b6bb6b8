/**
 * In-process bus for the embedded default: events are dispatched synchronously to local
 * subscribers; jobs run on the event loop with retries and exponential backoff.
 */
import type { BusEvent, JobMap, JobName } from '../../shared/bus-events';
import type { Bus, JobHandler } from './bus';

const MAX_ATTEMPTS = 5;

export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  private readonly handlers = new Set<(event: BusEvent) => void>();
  private readonly workers = new Map<JobName, JobHandler<JobName>>();
  private readonly seenJobIds = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  /** Jobs that failed every attempt (the dead-letter list), kept for inspection and metrics. */
  readonly deadLetters: Array<{ name: JobName; payload: unknown; error: string }> = [];

  constructor(private readonly onError: (err: unknown, context: string) => void = () => {}) {}

  publish(event: BusEvent): void {
    for (const h of this.handlers) {
      try {
        h(event);
      } catch (err) {
        this.onError(err, `bus handler for ${event.type}`);
      }
    }
  }

  subscribe(handler: (event: BusEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async enqueue<N extends JobName>(name: N, payload: JobMap[N], opts: { jobId?: string; delayMs?: number } = {}): Promise<void> {
    if (this.closed) return;
    if (opts.jobId) {
      const key = `${name}:${opts.jobId}`;
      if (this.seenJobIds.has(key)) return;
      this.seenJobIds.add(key);
      if (this.seenJobIds.size > 100_000) this.seenJobIds.clear();
    }
    this.schedule(name, payload, 1, opts.delayMs ?? 0);
  }

  work<N extends JobName>(name: N, handler: JobHandler<N>): void {
    this.workers.set(name, handler as unknown as JobHandler<JobName>);
  }

  healthy(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.handlers.clear();
  }

  private schedule(name: JobName, payload: unknown, attempt: number, delayMs: number): void {
    const timer = setTimeout(async () => {
      this.timers.delete(timer);
      if (this.closed) return;
      const handler = this.workers.get(name);
      if (!handler) return; // no worker role in this process: nothing to do in-process
      try {
        await handler(payload as JobMap[JobName], attempt);
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS) {
          this.deadLetters.push({ name, payload, error: String((err as Error)?.message ?? err) });
          this.onError(err, `job ${name} failed ${attempt} times`);
        } else {
          this.schedule(name, payload, attempt + 1, Math.min(30_000, 100 * 2 ** attempt));
        }
      }
    }, delayMs);
    timer.unref?.();
    this.timers.add(timer);
  }
}
