/**
 * Prometheus metrics (/metrics). One registry per app instance, so several instances in one
 * process (tests) do not collide.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({ name: 'lotusdesk_ws_connections', help: 'Open WebSocket connections on this node', registers: [this.registry] });
  readonly frames = new Counter({ name: 'lotusdesk_ws_frames_total', help: 'Client frames received, by type', labelNames: ['type'], registers: [this.registry] });
  readonly messages = new Counter({ name: 'lotusdesk_messages_total', help: 'Messages stored (rate() gives messages per second)', labelNames: ['kind'], registers: [this.registry] });
  readonly ackLatency = new Histogram({
    name: 'lotusdesk_ack_latency_seconds',
    help: 'From a send frame to its ack (includes the group commit)',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly jobFailures = new Counter({ name: 'lotusdesk_job_failures_total', help: 'Background job attempts that failed', labelNames: ['job'], registers: [this.registry] });
  readonly pendingChats = new Gauge({ name: 'lotusdesk_queue_pending_chats', help: 'Chats waiting in the queue', registers: [this.registry] });
  readonly jobQueue = new Gauge({ name: 'lotusdesk_job_queue_jobs', help: 'Background jobs by queue and state', labelNames: ['queue', 'state'], registers: [this.registry] });
  readonly busLag = new Gauge({ name: 'lotusdesk_bus_lag_seconds', help: 'Age of the last event received from another node', registers: [this.registry] });
  readonly batches = new Counter({ name: 'lotusdesk_group_commit_batches_total', help: 'Message batches committed', registers: [this.registry] });
  readonly busEvents = new Gauge({ name: 'lotusdesk_bus_events', help: 'Events this node published to, and received from, other nodes since start', labelNames: ['direction'], registers: [this.registry] });
  readonly deadLetters = new Counter({ name: 'lotusdesk_job_dead_letters_total', help: 'Background jobs that failed every attempt', labelNames: ['job'], registers: [this.registry] });
  readonly cronRuns = new Counter({ name: 'lotusdesk_cron_runs_total', help: 'Cron ticks this node ran (each tick runs on one node of the cluster)', labelNames: ['task'], registers: [this.registry] });
  readonly backups = new Counter({ name: 'lotusdesk_backups_total', help: 'Backups attempted, by result', labelNames: ['result'], registers: [this.registry] });
  readonly lastBackup = new Gauge({ name: 'lotusdesk_backup_last_success_timestamp_seconds', help: 'When the last backup written by this node was taken', registers: [this.registry] });
  readonly purgedChats = new Counter({ name: 'lotusdesk_retention_purged_chats_total', help: 'Closed chats removed by the retention policy', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'lotusdesk_' });
  }

  /** The gateway's hooks into these metrics. */
  gatewayHooks() {
    return {
      connections: (delta: number) => this.connections.inc(delta),
      frame: (type: string) => this.frames.inc({ type }),
      ackLatency: (ms: number) => this.ackLatency.observe(ms / 1000),
    };
  }
}
