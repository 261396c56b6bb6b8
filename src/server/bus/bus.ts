/**
 * The bus: fan-out of client events to every gateway node, and background jobs. One interface,
 * two implementations: in-process (the embedded default) and Redis (pub/sub + BullMQ).
 */
import type { BusEvent, JobMap, JobName } from '../../shared/bus-events';

export type JobHandler<N extends JobName> = (payload: JobMap[N], attempt: number) => Promise<void>;

/** A job that failed every attempt, kept for inspection (and a manual retry by an operator). */
export interface DeadLetter {
  name: JobName;
  id: string;
  payload: unknown;
  error: string;
  attempts: number;
  failedAt: number;
}

/** Options both buses share. */
export interface BusJobOptions {
  /** Whether this process runs jobs (the `worker` role); other roles only enqueue. */
  runsJobs?: boolean;
  /** Attempts per job before it becomes a dead letter. */
  attempts?: number;
  /** First retry delay; doubles on every attempt. */
  backoffMs?: number;
  /** Told of every failed attempt (metrics); `final` when it became a dead letter. */
  onJobFailure?: (name: JobName, final: boolean) => void;
}

export interface Bus {
  readonly kind: 'memory' | 'redis';
  /** Sends an event to every node (this one included). Call only after the data committed. */
  publish(event: BusEvent): void;
  /** Receives every published event; returns an unsubscribe function. */
  subscribe(handler: (event: BusEvent) => void): () => void;
  /** Queues a background job; `jobId` makes enqueueing idempotent. */
  enqueue<N extends JobName>(name: N, payload: JobMap[N], opts?: { jobId?: string; delayMs?: number }): Promise<void>;
  /** Runs jobs of this name in this process (worker role). */
  work<N extends JobName>(name: N, handler: JobHandler<N>): void;
  /**
   * Claims `key` for `ttlMs` across the cluster; exactly one caller gets true. Cron ticks use it
   * so that several cron processes run each tick once.
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Jobs that failed every attempt, newest first. */
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  /** Job counts by queue and state (waiting, active, delayed, failed) for metrics. */
  jobCounts(): Promise<Record<string, Record<string, number>>>;
  /** True when the bus can reach its backend. */
  healthy(): boolean;
  close(): Promise<void>;
}
