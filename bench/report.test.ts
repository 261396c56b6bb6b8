import { describe, expect, it } from 'vitest';
import { findings, judge } from './report';
import type { RelayResult } from './scenarios/relay';

const latency = (p50: number, p99: number) => ({ count: 100, p50, p90: p99, p99, max: p99, mean: p50 });

/** A relay result with just the figures the verdicts and findings read. */
function relay(system: string, perSec: number, halfP99: number): RelayResult {
  const phase = { sent: 100, acked: 100, delivered: 100, lostAcks: 0, undelivered: 0, errors: {}, deliveredPerSec: perSec, ack: latency(1, halfP99), delivery: latency(1, halfP99), clientCpuCores: 0.3, serverCpuCores: 0.9 };
  return {
    scenario: 'durable-relay', system, pairs: 10, window: 8,
    saturation: { ...phase, delivery: latency(1, 5), scheduling: { mainThreads: [{ server: system, runCores: 0.6, waitingCores: 0.35 }], machineIdleCores: 0.2 } },
    halfLoad: { ...phase, targetRatePerSec: perSec / 2, quietAfterMs: 0, scheduling: { mainThreads: [{ server: system, runCores: 0.55, waitingCores: 0.3 }], machineIdleCores: 0.4 } },
  } as RelayResult;
}

describe('benchmark findings', () => {
  it('explain a missed half-load p99 with the main thread\'s waits and the bare relay\'s own p99', () => {
    const results = [relay('ws-relay', 20_000, 40), relay('lotusdesk-postgres', 6_000, 50)];
    const targets = judge(results);
    expect(targets.find((t) => t.target === 'p99 delivery at half load')).toMatchObject({ system: 'lotusdesk-postgres', value: 50, pass: false });
    const [finding] = findings(results, targets);
    expect(finding).toContain('at half load its main thread ran 0.55 cores and waited 0.3 cores');
    expect(finding).toContain("the bare ws relay's own p99 delivery at its half load in this run: 40.00 ms (over the same 25 ms)");
  });

  it('say nothing of the bare relay when the p99 target is met', () => {
    const results = [relay('ws-relay', 20_000, 8), relay('lotusdesk-postgres', 5_000, 20)];
    const targets = judge(results);
    const [finding] = findings(results, targets); // the ratio to the relay is missed (0.25×)
    expect(finding).toContain('lotusdesk-postgres: 5000 messages/s');
    expect(finding).not.toContain('bare ws relay');
  });
});
