/**
 * The bus: fan-out of client events to every gateway node, and background jobs. One interface,
 * two implementations: in-process (the embedded default) and Redis (pub/sub + BullMQ).
 */
import type { BusEvent, JobMap, JobName } from '../../shared/bus-events';

export type JobHandler<N extends JobName> = (payload: JobMap[N], attempt: number) => Promise<void>;

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
  /** True when the bus can reach its backend. */
  healthy(): boolean;
  close(): Promise<void>;
}
