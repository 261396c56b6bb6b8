/**
 * What a LotusDesk server says about itself over a phase, from its own /metrics (prom-client's
 * default metrics): how late its event loop ran timers (every socket read and database reply
 * waits as long) and how long garbage collection paused it. Read around the half-load phase, it
 * says where a latency percentile came from.
 */
import type { RunningSystem } from './systems';

export interface ServerHealth {
  server: string;
  /** Event-loop delay over the phase (the histogram resets on every scrape), ms. */
  eventLoopP50Ms: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  /** Garbage-collection pause time per second of the phase, ms, by kind (minor, major, …). */
  gcPauseMsPerSec: Record<string, number>;
  /**
   * The server's own send-to-ack time over the phase (its histogram's buckets): the bucket bound
   * under which half and 99% of the acks fell, ms. Compared with what the load generator saw, it
   * separates the server's time from the time frames spent in sockets and in the client.
   */
  serverAckP50AtMostMs: number;
  serverAckP99AtMostMs: number;
}

interface Scrape {
  at: number;
  text: string;
}

const round = (x: number) => Math.round(x * 100) / 100;

function value(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/** Cumulative bucket counts of the ack-latency histogram, by upper bound in seconds. */
function ackBuckets(text: string): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const m of text.matchAll(/^lotusdesk_ack_latency_seconds_bucket\{le="([^"]+)"\} ([0-9.eE+-]+)$/gm)) buckets.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  return buckets;
}

/** The smallest bucket bound (ms) under which `share` of the phase's acks fell. */
function quantileBound(before: Map<number, number>, after: Map<number, number>, share: number): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (total <= 0) return NaN;
  for (const le of bounds) if ((after.get(le)! - (before.get(le) ?? 0)) / total >= share) return le * 1000;
  return Infinity;
}

function gcSums(text: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const m of text.matchAll(/^lotusdesk_nodejs_gc_duration_seconds_sum\{kind="(\w+)"\} ([0-9.eE+-]+)$/gm)) sums.set(m[1], Number(m[2]));
  return sums;
}

async function scrape(port: number): Promise<Scrape> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
  return { at: performance.now(), text };
}

/** Starts a phase: scrapes every server once (which also resets their event-loop histograms). */
export async function startHealth(system: RunningSystem): Promise<() => Promise<ServerHealth[]>> {
  if (!system.spec.lotus) return async () => [];
  const before = await Promise.all(system.servers.map((s) => scrape(s.port)));
  return async () =>
    Promise.all(
      system.servers.map(async (s, i) => {
        const after = await scrape(s.port);
        const seconds = (after.at - before[i].at) / 1000;
        const was = gcSums(before[i].text);
        const gcPauseMsPerSec: Record<string, number> = {};
        for (const [kind, sum] of gcSums(after.text)) gcPauseMsPerSec[kind] = round(((sum - (was.get(kind) ?? 0)) * 1000) / seconds);
        const ms = (name: string) => round(value(after.text, `lotusdesk_nodejs_eventloop_lag_${name}_seconds`) * 1000);
        const acksBefore = ackBuckets(before[i].text);
        const acksAfter = ackBuckets(after.text);
        return {
          server: s.label, eventLoopP50Ms: ms('p50'), eventLoopP99Ms: ms('p99'), eventLoopMaxMs: ms('max'), gcPauseMsPerSec,
          serverAckP50AtMostMs: quantileBound(acksBefore, acksAfter, 0.5), serverAckP99AtMostMs: quantileBound(acksBefore, acksAfter, 0.99),
        };
      }),
    );
}
