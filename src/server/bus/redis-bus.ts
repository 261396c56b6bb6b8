/**
 * The Redis bus for clusters: events go to local subscribers at once and to other nodes through
 * Redis pub/sub (each node ignores its own echo); jobs run on BullMQ queues with retries,
 * exponential backoff and failed jobs kept as dead letters.
 *
 * If Redis goes away, a node keeps serving its own connections (local delivery does not touch
 * Redis) and reports itself unready; when the subscriber reconnects, `onReconnect` handlers run so
 * gateways can re-read from the database whatever other nodes published meanwhile.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Queue, Worker, type Job } from 'bullmq';
import type { BusEvent, JobMap, JobName } from '../../shared/bus-events';
import type { Bus, BusJobOptions, DeadLetter, JobHandler } from './bus';
import { SerialBatcher } from '../lib/serial-batcher';
import { JOB_NAMES } from './job-names';

/**
 * Jobs a worker runs at once. Most wait on the database, and jobs that run together share its
 * batched writes (scores, moods), so many at once means few transactions per message (see
 * docs/decisions/006).
 */
const WORKER_CONCURRENCY = 64;

/** One job as Queue.addBulk takes it. */
type BulkJob = Parameters<Queue['addBulk']>[0][number];

export interface RedisBusOptions extends BusJobOptions {
  url: string;
  /** Namespace of the cluster's keys and channel, so clusters can share one Redis. */
  prefix?: string;
  onError?: (err: unknown, context: string) => void;
  /** Milliseconds between attempts, capped; Redis outages are retried forever. */
  maxReconnectDelayMs?: number;
}

/** What crosses between nodes: the sender node, when it was sent, one event or several in order. */
interface RemoteMessage {
  n: string;
  t: number;
  e?: BusEvent;
  es?: BusEvent[];
}

export class RedisBus implements Bus {
  readonly kind = 'redis' as const;
  readonly nodeId = randomUUID();
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly handlers = new Set<(event: BusEvent) => void>();
  private readonly reconnectHandlers = new Set<() => void>();
  private readonly queues = new Map<JobName, Queue>();
  private readonly adders = new Map<JobName, SerialBatcher<BulkJob, void>>();
  private readonly workers: Worker[] = [];
  private subscribedOnce = false;
  /** Events waiting for the end of the current step to cross to other nodes together. */
  private outgoing: BusEvent[] = [];
  /** How this node's own messages begin (see RemoteMessage: `n` is written first). */
  private readonly ownPrefix = `{"n":${JSON.stringify(this.nodeId)},`;
  private readonly channel: string;
  private readonly prefix: string;
  private readonly onError: (err: unknown, context: string) => void;
  /** Events published and received, and the last seen bus lag (ms), for metrics. */
  readonly stats = { published: 0, received: 0, lastLagMs: 0 };

  constructor(private readonly opts: RedisBusOptions) {
    this.onError = opts.onError ?? (() => {});
    this.prefix = opts.prefix ?? 'lotusdesk';
    this.channel = `${this.prefix}:events`;
    const common = {
      maxRetriesPerRequest: null,
      retryStrategy: (times: number) => Math.min(times * 100, opts.maxReconnectDelayMs ?? 2000),
      lazyConnect: false,
    };
    // Publishing while Redis is down must not pile up: a dropped cross-node event is recovered
    // from the database on reconnect, an unbounded offline queue is not recoverable.
    this.pub = new Redis(opts.url, { ...common, enableOfflineQueue: false });
    this.sub = new Redis(opts.url, common);
    this.pub.on('error', (err) => this.onError(err, 'redis publisher'));
    this.sub.on('error', (err) => this.onError(err, 'redis subscriber'));
    this.sub.on('ready', () => {
      void this.sub.subscribe(this.channel).then(() => {
        if (this.subscribedOnce) for (const h of this.reconnectHandlers) h();
        this.subscribedOnce = true;
      });
    });
    this.sub.on('message', (_channel: string, raw: string) => this.onRemote(raw));
  }

  /** Resolves once both connections are ready (or rejects after `timeoutMs`). */
  async ready(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!(this.healthy() && this.subscribedOnce)) {
      if (Date.now() > until) throw new Error(`Redis at ${this.opts.url} did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  publish(event: BusEvent): void {
    this.dispatch(event);
    if (this.pub.status !== 'ready') return;
    this.stats.published++;
    // Events published in the same step (a group commit's messages) cross to the other nodes in
    // one PUBLISH: one socket write to Redis and one fan-out per step, not per event (see
    // docs/decisions/006).
    if (this.outgoing.push(event) === 1) queueMicrotask(() => this.flushOutgoing());
  }

  private flushOutgoing(): void {
    const events = this.outgoing;
    this.outgoing = [];
    if (this.pub.status !== 'ready') return;
    const message: RemoteMessage = events.length === 1 ? { n: this.nodeId, t: Date.now(), e: events[0] } : { n: this.nodeId, t: Date.now(), es: events };
    this.pub.publish(this.channel, JSON.stringify(message)).catch((err) => this.onError(err, 'redis publish'));
  }

  subscribe(handler: (event: BusEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Runs `handler` each time the subscription comes back after an outage. */
  onReconnect(handler: () => void): () => void {
    this.reconnectHandlers.add(handler);
    return () => this.reconnectHandlers.delete(handler);
  }

  async enqueue<N extends JobName>(name: N, payload: JobMap[N], opts: { jobId?: string; delayMs?: number } = {}): Promise<void> {
    await this.adder(name).add({ name, data: payload, opts: {
      ...(opts.jobId ? { jobId: opts.jobId } : {}),
      ...(opts.delayMs ? { delay: opts.delayMs } : {}),
      attempts: this.opts.attempts ?? 5,
      backoff: { type: 'exponential', delay: this.opts.backoffMs ?? 200 },
      // Finished jobs are kept an hour at most: long enough for jobId dedupe of a late re-enqueue,
      // short enough that payloads (a member's message text for analysis) do not linger in Redis.
      removeOnComplete: { age: 3600, count: 1000 },
      // Failed jobs stay as the dead-letter list (bounded, so a poison job cannot fill Redis).
      removeOnFail: { age: 14 * 86_400, count: 10_000 },
    } });
  }

  /**
   * Jobs queued in the same turn (or while the previous write runs) go to Redis in one addBulk:
   * a group commit of 500 messages may queue 500 jobs, in one round trip rather than 500.
   */
  private adder(name: JobName): SerialBatcher<BulkJob, void> {
    let adder = this.adders.get(name);
    if (!adder) {
      const queue = this.queue(name);
      adder = new SerialBatcher<BulkJob, void>(async (jobs) => {
        await queue.addBulk(jobs);
        return jobs.map(() => undefined);
      });
      this.adders.set(name, adder);
    }
    return adder;
  }

  work<N extends JobName>(name: N, handler: JobHandler<N>): void {
    if (this.opts.runsJobs === false) return; // not a worker: other processes take the jobs
    const worker = new Worker(
      name,
      async (job: Job) => handler(job.data as JobMap[N], job.attemptsMade + 1),
      { connection: this.connectionOptions(), prefix: this.prefix, concurrency: WORKER_CONCURRENCY },
    );
    worker.on('error', (err) => this.onError(err, `worker ${name}`));
    worker.on('failed', (job, err) => {
      const final = Boolean(job && job.attemptsMade >= (job.opts.attempts ?? 1));
      this.opts.onJobFailure?.(name, final);
      if (final) this.onError(err, `job ${name} ${job!.id} dead-lettered`);
    });
    this.workers.push(worker);
  }

  /** Waiting, active, delayed and failed job counts of every queue of the catalogue. */
  async jobCounts(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const name of JOB_NAMES) out[name] = await this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed');
    return out;
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const all: DeadLetter[] = [];
    for (const name of JOB_NAMES) {
      for (const job of await this.queue(name).getFailed(0, limit - 1)) {
        all.push({ name, id: String(job.id), payload: job.data, error: job.failedReason ?? '', attempts: job.attemptsMade, failedAt: job.finishedOn ?? job.timestamp });
      }
    }
    return all.sort((a, b) => b.failedAt - a.failedAt).slice(0, limit);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    if (this.pub.status !== 'ready') return false; // cannot agree with the cluster: skip this tick
    const r = await this.pub.set(`${this.prefix}:claim:${key}`, this.nodeId, 'PX', Math.max(1, Math.round(ttlMs)), 'NX');
    return r === 'OK';
  }

  healthy(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready';
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.handlers.clear();
    this.pub.disconnect();
    this.sub.disconnect();
  }

  private queue(name: JobName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connectionOptions(), prefix: this.prefix });
      q.on('error', (err) => this.onError(err, `queue ${name}`));
      this.queues.set(name, q);
    }
    return q;
  }

  private connectionOptions() {
    const u = new URL(this.opts.url);
    return {
      host: u.hostname,
      port: Number(u.port || 6379),
      ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
      ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
      ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
      ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
      maxRetriesPerRequest: null,
      retryStrategy: (times: number) => Math.min(times * 100, this.opts.maxReconnectDelayMs ?? 2000),
    };
  }

  private onRemote(raw: string): void {
    // This node's own messages come back too: they were delivered locally, so skip them unparsed.
    if (raw.startsWith(this.ownPrefix)) return;
    let msg: RemoteMessage;
    try {
      msg = JSON.parse(raw);
    } catch (err) {
      return this.onError(err, 'malformed bus message');
    }
    if (msg.n === this.nodeId) return; // delivered locally already
    this.stats.lastLagMs = Date.now() - msg.t;
    for (const event of msg.es ?? (msg.e ? [msg.e] : [])) {
      this.stats.received++;
      this.dispatch(event);
    }
  }

  private dispatch(event: BusEvent): void {
    for (const h of this.handlers) {
      try {
        h(event);
      } catch (err) {
        this.onError(err, `bus handler for ${event.type}`);
      }
    }
  }
}
