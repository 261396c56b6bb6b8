/**
 * Smoke test of the benchmark itself: the quick durable-relay scenario, a few seconds each against
 * the bare ws relay and LotusDesk on PGlite, must deliver real messages with no lost acks and
 * produce a well-formed result and report. Nothing here asserts on speed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findings, judge, markdown, type BenchReport } from './report';
import { LoadDriver, sourceAddresses } from './load/driver';
import { idleScenario } from './scenarios/idle';
import { relayScenario, type RelayResult } from './scenarios/relay';
import { startLotus, startWsRelay, type RunningSystem } from './systems';

const cfg = { pairs: 4, window: 4, warmupMs: 300, durationMs: 1200, workers: 1, sweep: { fractions: [0.25], commonRates: [20], durationMs: 600 } };

async function run(start: () => Promise<RunningSystem>, profileDir?: string): Promise<RelayResult> {
  const system = await start();
  try {
    return await relayScenario(system, { ...cfg, ...(profileDir ? { profileDir } : {}) });
  } finally {
    await system.stop();
  }
}

function expectDelivered(r: RelayResult): void {
  for (const phase of [r.saturation, r.halfLoad]) {
    expect(phase.sent).toBeGreaterThan(0);
    expect(phase.acked).toBe(phase.sent);
    expect(phase.delivered).toBe(phase.sent);
    expect(phase.lostAcks).toBe(0);
    expect(phase.undelivered).toBe(0);
    expect(phase.errors).toEqual({});
    expect(phase.ack.count).toBeGreaterThan(0);
    expect(phase.delivery.p99).toBeGreaterThanOrEqual(phase.delivery.p50);
    expect(phase.clientCpuCores).toBeGreaterThan(0);
  }
  expect(r.saturation.deliveredPerSec).toBeGreaterThan(0);
  // How the phases shared the cores: the server's main thread ran, and idle is within the machine.
  for (const phase of [r.saturation, r.halfLoad]) {
    const main = phase.scheduling!.mainThreads[0];
    expect(main.server).toBe(r.system);
    expect(main.runCores).toBeGreaterThan(0);
    expect(main.waitingCores).toBeGreaterThanOrEqual(0);
    expect(phase.scheduling!.machineIdleCores).toBeGreaterThanOrEqual(0);
    expect(phase.scheduling!.machineIdleCores).toBeLessThanOrEqual(cpus().length + 0.1);
  }
  expect(r.halfLoad.targetRatePerSec).toBe(Math.max(1, Math.round(r.saturation.deliveredPerSec / 2)));
  // The lower loads: a quarter of saturation, then the rate every system runs, each delivered whole.
  expect(r.sweep!.map((p) => [p.label, p.ratePerSec])).toEqual([['quarter load', Math.round(r.saturation.deliveredPerSec / 4)], ['common rate', 20]]);
  for (const p of r.sweep!) {
    expect(p.lostAcks).toBe(0);
    expect(p.delivery.count).toBeGreaterThan(0);
    expect(p.scheduling!.mainThreads[0].runCores).toBeGreaterThan(0);
  }
}

describe('benchmark smoke test', () => {
  it('drives the quick relay scenario against the bare ws relay and LotusDesk on PGlite', async () => {
    const ws = await run(() => startWsRelay());
    expect(ws).toMatchObject({ scenario: 'durable-relay', system: 'ws-relay', pairs: 4, window: 4 });
    expectDelivered(ws);

    const profileDir = mkdtempSync(join(tmpdir(), 'lotusdesk-bench-profiles-'));
    const lotus = await run(() => startLotus('pglite', { inspect: true }), profileDir);
    expect(lotus).toMatchObject({ scenario: 'durable-relay', system: 'lotusdesk-pglite' });
    expectDelivered(lotus);
    // Profiles of phases of their own: saturation and the half-load rate, kept on disk.
    expect(lotus.profiles!.map((p) => p.phase)).toEqual(['saturation', 'half load']);
    for (const p of lotus.profiles!) {
      expect(p.busyUsPerMessage).toBeGreaterThan(0);
      expect(existsSync(p.file)).toBe(true);
    }
    rmSync(profileDir, { recursive: true, force: true });

    const results = [ws, lotus];
    const targets = judge(results);
    const relayTarget = targets.find((t) => t.target === 'durable relay vs bare ws' && t.system === 'lotusdesk-pglite');
    expect(relayTarget?.value).toBeCloseTo(lotus.saturation.deliveredPerSec / ws.saturation.deliveredPerSec, 2);
    expect(targets.some((t) => t.target === 'p99 delivery at half load')).toBe(true);
    const report: BenchReport = {
      startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), quick: true,
      machine: { cpus: 2, memoryGb: 1, node: process.version, openFilesLimit: 1024, loadAverage: { start: 0, end: 0 } },
      results, targets, findings: findings(results, targets), notes: [],
    };
    const md = markdown(report);
    expect(md).toContain('| lotusdesk-pglite |');
    expect(md).toContain('## Durable relay');
    expect(md).toContain('· lotusdesk-pglite · half load: busy');
    expect(md).toMatch(/\| lotusdesk-pglite \| lotusdesk-pglite \| [\d.]+ \| [\d.]+ \|/);
    expect(md).toMatch(/\| lotusdesk-pglite \| common rate \| 20\/s \| [\d.]+ \| [\d.]+ \| 0 \| \d+ \|/);
  }, 240_000);

  it('idle density spreads the connections over several server processes and sums their memory', async () => {
    const system = await startWsRelay({ inspect: true, processes: 2 });
    const held = () => Promise.all(system.servers.map(async (s) => (await (await fetch(`http://127.0.0.1:${s.port}/healthz`)).json()).connections));
    try {
      const driver = await LoadDriver.start(1);
      try {
        await driver.idle(system.spec, 100, sourceAddresses(2), 0);
        expect(await held()).toEqual([50, 50]);
      } finally {
        await driver.stop();
      }
      const result = await idleScenario(system, { steps: [60, 200], workers: 1, settleMs: 100, samples: 1 });
      expect(result).toMatchObject({ scenario: 'idle-density', system: 'ws-relay', processes: 2 });
      expect(result.steps.map((s) => s.connections)).toEqual([60, 200]);
      for (const s of result.steps) expect(Number.isFinite(s.perConnectionKb)).toBe(true);
    } finally {
      await system.stop();
    }
  }, 60_000);
});
