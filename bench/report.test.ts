import { describe, expect, it } from 'vitest';
import { findings, judge, loadRows, markdown, mainThreadUsPerMessage, type BenchReport } from './report';
import { sweepRates } from './scenarios/relay';
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

  it('add the lower loads of the sweep, side by side at the common rate, and the cost per message at each load', () => {
    const point = (label: string, ratePerSec: number, p99: number, runCores: number, server: string) => ({
      label, ratePerSec, ack: latency(1, p99), delivery: latency(1, p99), lostAcks: 0, clientCpuCores: 0.2, serverCpuCores: runCores,
      scheduling: { mainThreads: [{ server, runCores, waitingCores: 0.1 }], machineIdleCores: 1 },
    });
    const ws = { ...relay('ws-relay', 20_000, 30), sweep: [point('quarter load', 5000, 12, 0.3, 'ws-relay'), point('common rate', 1000, 4, 0.1, 'ws-relay')] };
    const sio = { ...relay('socketio-pg', 2_500, 9), sweep: [point('common rate', 1000, 7, 0.2, 'socketio-pg')] };
    const lotus = { ...relay('lotusdesk-postgres', 8_000, 60), sweep: [point('quarter load', 2000, 30, 0.5, 'lotusdesk-postgres'), point('common rate', 1000, 22, 0.4, 'lotusdesk-postgres')] };
    const results = [ws, sio, lotus];
    const targets = judge(results);
    const finding = findings(results, targets).find((f) => f.startsWith('lotusdesk-postgres'))!;
    expect(finding).toContain('at quarter load (2000/s) its p99 delivery was 30.00 ms');
    expect(finding).toContain('at 1000/s, a rate every system ran, its p99 delivery was 22.00 ms (ws-relay 4.00 ms, socketio-pg 7.00 ms)');
    // 0.6 cores at 8,000/s is 75 µs a message; 0.4 cores at 1,000/s is 400.
    expect(finding).toContain('its main thread ran 75 µs at 8000/s, 138 µs at 4000/s, 250 µs at 2000/s, 400 µs at 1000/s per message');
    expect(finding).toContain('(the bare ws relay: 30 µs at 20000/s, 55 µs at 10000/s, 60 µs at 5000/s, 100 µs at 1000/s)');

    expect(loadRows(lotus).map((r) => r.label)).toEqual(['saturation', 'half load', 'quarter load', 'common rate']);
    expect(mainThreadUsPerMessage({ label: 'x', ratePerSec: 0, delivery: latency(1, 1), lostAcks: 0 })).toBeNull();
    const report: BenchReport = {
      startedAt: '', finishedAt: '', quick: true, machine: { cpus: 2, memoryGb: 1, node: 'v20', openFilesLimit: 1024, loadAverage: { start: 0, end: 0 } },
      results, targets, findings: [], notes: [],
    };
    expect(markdown(report)).toContain('| lotusdesk-postgres | common rate | 1000/s | 1.00 | 22.00 | 0 | 400 | 0.1 | 1 |');
  });

  it('leave out sweep rates a system cannot carry', () => {
    const sweep = { fractions: [0.25], commonRates: [1000], durationMs: 1 };
    expect(sweepRates(sweep, 8000)).toEqual([{ label: 'quarter load', ratePerSec: 2000 }, { label: 'common rate', ratePerSec: 1000 }]);
    // 1,000/s is over 90% of what this system delivered: a queue, not a latency.
    expect(sweepRates(sweep, 1050)).toEqual([{ label: 'quarter load', ratePerSec: 263 }]);
  });
});
