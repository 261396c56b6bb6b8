/**
 * In-process bus for the embedded default: events are dispatched synchronously to local
 * subscribers; jobs run on the event loop with retries and exponential backoff, and jobs that
 * fail every attempt are kept as dead letters.
 */
import { randomUUID } from 'node:crypto';
import type { BusEvent, JobMap, JobName } from '../../shared/bus-events';
import type { Bus, BusJobOptions, DeadLetter, JobHandler } from './bus';

const DEAD_LETTERS_KEPT = 1000;
/** Jobs kept per name while no worker is registered (a web-only process must not grow forever). */
const PARKED_MAX = 10_000;
/** How long one turn of the event loop may spend starting jobs. */
const SLICE_MS = 2;
/** Jobs running at once (each may wait on the database). */
const MAX_ACTIVE = 256;

interface ReadyJob {
  name: JobName;
  id: string;
  payload: unknown;
  attempt: number;
}

export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  private readonly handlers = new Set<(event: BusEvent) => void>();
  private readonly workers = new Map<JobName, JobHandler<JobName>>();
  private readonly seenJobIds = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly claims = new Map<string, number>();
  private readonly counts = new Map<JobName, { waiting: number; active: number; delayed: number }>();
  private readonly dead: DeadLetter[] = [];
  /** Jobs that came due before any worker of their name existed, like a queue nobody reads yet. */
  private readonly parked = new Map<JobName, Array<{ id: string; payload: unknown; attempt: number }>>();
  private readonly attempts: number;
  private readonly backoffMs: number;
  private closed = false;
  /** Jobs due now, oldest first, started by `runSlice`. */
  private readonly ready: ReadyJob[] = [];
  private runnerScheduled = false;
  private active = 0;

  constructor(
    private readonly onError: (err: unknown, context: string) => void = () => {},
    private readonly opts: BusJobOptions = {},
  ) {
    this.attempts = opts.attempts ?? 5;
    this.backoffMs = opts.backoffMs ?? 200;
  }

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
    this.schedule(name, opts.jobId ?? randomUUID(), payload, 1, opts.delayMs ?? 0);
  }

  work<N extends JobName>(name: N, handler: JobHandler<N>): void {
    if (this.opts.runsJobs === false) return; // not a worker: jobs wait for nobody in-process
    this.workers.set(name, handler as unknown as JobHandler<JobName>);
    const waiting = this.parked.get(name) ?? [];
    this.parked.delete(name);
    for (const j of waiting) {
      this.count(name).waiting--;
      this.schedule(name, j.id, j.payload, j.attempt, 0);
    }
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const until = this.claims.get(key);
    if (until !== undefined && until > now) return false;
    this.claims.set(key, now + ttlMs);
    if (this.claims.size > 10_000) for (const [k, t] of this.claims) if (t <= now) this.claims.delete(k);
    return true;
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    return this.dead.slice(-limit).reverse();
  }

  async jobCounts(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [name, c] of this.counts) out[name] = { ...c, failed: this.dead.filter((d) => d.name === name).length };
    return out;
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

  private count(name: JobName) {
    let c = this.counts.get(name);
    if (!c) this.counts.set(name, (c = { waiting: 0, active: 0, delayed: 0 }));
    return c;
  }

  /** Makes a job due now, or after `delayMs` (a retry's backoff). */
  private schedule(name: JobName, id: string, payload: unknown, attempt: number, delayMs: number): void {
    const job: ReadyJob = { name, id, payload, attempt };
    if (delayMs <= 0) {
      this.count(name).waiting++;
      this.makeReady(job);
      return;
    }
    this.count(name).delayed++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.count(name).delayed--;
      if (this.closed) return;
      this.count(name).waiting++;
      this.makeReady(job);
    }, delayMs);
    timer.unref?.();
    this.timers.add(timer);
  }

  private makeReady(job: ReadyJob): void {
    this.ready.push(job);
    if (this.runnerScheduled) return;
    this.runnerScheduled = true;
    setImmediate(() => this.runSlice());
  }

  /**
   * Starts due jobs for at most SLICE_MS, then lets the event loop read sockets before the next
   * slice. Jobs are background work: a burst of them (a group commit of 500 messages queues 500
   * analyses) must not hold up the acks and deliveries of the chats meanwhile.
   */
  private runSlice(): void {
    this.runnerScheduled = false;
    if (this.closed) return;
    const until = performance.now() + SLICE_MS;
    let taken = 0;
    while (taken < this.ready.length && this.active < MAX_ACTIVE && performance.now() < until) {
      void this.run(this.ready[taken++]);
    }
    // One splice per slice: shift() per job moves the whole backlog each time.
    this.ready.splice(0, taken);
    if (this.ready.length && this.active < MAX_ACTIVE) {
      this.runnerScheduled = true;
      setImmediate(() => this.runSlice());
    }
  }

  private async run(job: ReadyJob): Promise<void> {
    const { name, id, payload, attempt } = job;
    const c = this.count(name);
    c.waiting--;
    const handler = this.workers.get(name);
    if (!handler) {
      // No worker (yet, or not this role): the job waits, as it would in a Redis queue.
      const list = this.parked.get(name) ?? [];
      if (list.length >= PARKED_MAX) return this.onError(new Error('too many jobs waiting for a worker'), `job ${name} dropped`);
      list.push({ id, payload, attempt });
      this.parked.set(name, list);
      c.waiting++;
      return;
    }
    c.active++;
    this.active++;
    try {
      await handler(payload as JobMap[JobName], attempt);
    } catch (err) {
      const final = attempt >= this.attempts;
      this.opts.onJobFailure?.(name, final);
      if (final) {
        this.dead.push({ name, id, payload, error: String((err as Error)?.message ?? err), attempts: attempt, failedAt: Date.now() });
        if (this.dead.length > DEAD_LETTERS_KEPT) this.dead.shift();
        this.onError(err, `job ${name} failed ${attempt} times`);
      } else if (!this.closed) {
        this.schedule(name, id, payload, attempt + 1, Math.min(30_000, this.backoffMs * 2 ** (attempt - 1)));
      }
    } finally {
      c.active--;
      this.active--;
      // A slot freed: jobs held back by MAX_ACTIVE may start.
      if (this.ready.length && !this.runnerScheduled && !this.closed) {
        this.runnerScheduled = true;
        setImmediate(() => this.runSlice());
      }
    }
  }
}
