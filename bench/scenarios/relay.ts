/**
 * Durable relay: member/agent pairs on one system; saturation (every member keeps a window of
 * messages in flight) gives messages persisted-and-delivered per second; then a fixed-rate phase at
 * half that load gives p50/p99 ack and delivery latency.
 */
import pg from 'pg';
import { LoadDriver, sourceAddresses, type MergedPhase } from '../load/driver';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inspector } from '../inspector';
import { PgWatch, type PgPhaseStats } from '../pg-watch';
import { summarizeProfileData, type ProfileDigest } from '../profile';
import { cpuSecondsOf, machineIdleSeconds, schedOf } from '../proc';
import { startHealth, type ServerHealth } from '../server-health';
import type { RunningSystem } from '../systems';

export interface RelayConfig {
  pairs: number;
  window: number;
  warmupMs: number;
  durationMs: number;
  workers: number;
  /** Profile the server processes over the saturation phase into this directory (needs StartOptions.inspect). */
  profileDir?: string;
  /** How long each profiled phase lasts (default durationMs): a profile needs fewer samples than a p99. */
  profileDurationMs?: number;
  /** Further fixed-rate phases below half load (see `LoadPoint`). */
  sweep?: SweepConfig;
}

/**
 * Latency at lower offered loads: fractions of the system's own saturation, and rates every system
 * of the run is driven at (the same load side by side). A rate at or above 90% of what the system
 * delivered at saturation is left out (it would measure a queue, not a latency).
 */
export interface SweepConfig {
  fractions: number[];
  commonRates: number[];
  durationMs: number;
}

/** One fixed-rate phase of the sweep. */
export interface LoadPoint {
  /** `quarter load`, or `common rate` for a rate every system ran. */
  label: string;
  ratePerSec: number;
  ack: MergedPhase['ack'];
  delivery: MergedPhase['delivery'];
  lostAcks: number;
  clientCpuCores: number;
  serverCpuCores: number;
  scheduling?: PhaseScheduling;
}

/** How a phase shared the machine's cores (see `measured`). */
export interface PhaseScheduling {
  /** Per server process, its main thread (the event loop): cores used, and cores' worth of time it was runnable but waiting for a CPU. */
  mainThreads: Array<{ server: string; runCores: number; waitingCores: number }>;
  /** Cores left idle on the whole machine over the phase. */
  machineIdleCores: number;
}

export interface RelayResult {
  scenario: 'durable-relay';
  system: string;
  pairs: number;
  window: number;
  saturation: MergedPhase & {
    serverCpuCores: number;
    scheduling?: PhaseScheduling;
    /**
     * PostgreSQL's side (systems on PostgreSQL only): waits sampled during saturation; counters
     * over both phases, per acked message.
     */
    postgres?: PgPhaseStats & { transactionsPerMessage: number; rowWritesPerMessage: number };
  };
  halfLoad: MergedPhase & {
    targetRatePerSec: number;
    serverCpuCores: number;
    scheduling?: PhaseScheduling;
    /** How long the servers needed to go quiet after saturation (deferred work) before this phase. */
    quietAfterMs: number;
    /** LotusDesk only: event-loop delay and GC pauses over this phase, from the servers' /metrics. */
    serverHealth?: ServerHealth[];
  };
  /** Lower loads (`RelayConfig.sweep`), in the order they ran. */
  sweep?: LoadPoint[];
  profiles?: ProfileDigest[];
}

/** The sweep's rates for a system that delivered `saturated` messages per second. */
export function sweepRates(sweep: SweepConfig, saturated: number): Array<{ label: string; ratePerSec: number }> {
  const points = [
    ...sweep.fractions.map((f) => ({ label: fractionLabel(f), ratePerSec: Math.max(1, Math.round(saturated * f)) })),
    ...sweep.commonRates.map((rate) => ({ label: 'common rate', ratePerSec: rate })),
  ];
  return points.filter((p) => p.ratePerSec < saturated * 0.9);
}

function fractionLabel(f: number): string {
  return f === 0.25 ? 'quarter load' : `${Math.round(f * 100)}% load`;
}

/** Runs the durable relay scenario against a running system. */
export async function relayScenario(system: RunningSystem, cfg: RelayConfig): Promise<RelayResult> {
  const driver = await LoadDriver.start(cfg.workers);
  try {
    await driver.preparePairs(system.spec, cfg.pairs, sourceAddresses(4));
    await checkpoint(system);
    const watch = system.databaseUrl ? await PgWatch.start(system.databaseUrl) : null;
    watch?.startSampling();
    const saturation: RelayResult['saturation'] = await measured(system, () => driver.closedLoop(cfg.warmupMs, cfg.durationMs, cfg.window));
    await watch?.stopSampling();
    const rate = Math.max(1, Math.round(saturation.deliveredPerSec / 2));
    // Work a system deferred during saturation (queued jobs) would otherwise land on the half-load
    // phase; wait for the servers to go quiet so that phase measures its own load.
    const quietAfterMs = await quiet(system);
    await checkpoint(system);
    const health = await startHealth(system);
    const half = await measured(system, () => driver.openLoop(cfg.warmupMs, cfg.durationMs, rate));
    const serverHealth = await health();
    const result: RelayResult = {
      scenario: 'durable-relay', system: system.name, pairs: cfg.pairs, window: cfg.window,
      saturation,
      halfLoad: { ...half, targetRatePerSec: rate, quietAfterMs, ...(serverHealth.length ? { serverHealth } : {}) },
    };
    if (watch) {
      const pg = await watch.finish();
      const perMessage = (n: number) => Math.round((n / Math.max(1, saturation.acked + half.acked)) * 100) / 100;
      result.saturation.postgres = { ...pg, transactionsPerMessage: perMessage(pg.transactions), rowWritesPerMessage: perMessage(pg.rowsInserted + pg.rowsUpdated) };
    }
    // Later phases find the servers warm (compiled code, open connections, filled caches): their
    // warm-up only has to let the new rate settle.
    const laterWarmupMs = Math.min(cfg.warmupMs, 1000);
    if (cfg.sweep) {
      result.sweep = [];
      for (const point of sweepRates(cfg.sweep, saturation.deliveredPerSec)) {
        await quiet(system);
        await checkpoint(system);
        const ran = await measured(system, () => driver.openLoop(laterWarmupMs, cfg.sweep!.durationMs, point.ratePerSec));
        result.sweep.push({
          ...point, ack: ran.ack, delivery: ran.delivery, lostAcks: ran.lostAcks, clientCpuCores: ran.clientCpuCores, serverCpuCores: ran.serverCpuCores,
          ...(ran.scheduling ? { scheduling: ran.scheduling } : {}),
        });
      }
    }
    // The profiles come from phases of their own, after everything measured, so the sampling
    // profiler's cost (and the inspector session's) never touches a measured figure: one at
    // saturation, one at the half-load rate (where the cost per message differs: less batching).
    if (cfg.profileDir) {
      const profiling = await Promise.all(system.servers.map((s) => Inspector.attach(s.output)));
      result.profiles = [];
      const profileMs = cfg.profileDurationMs ?? cfg.durationMs;
      const phases = [
        ['saturation', () => driver.closedLoop(laterWarmupMs, profileMs, cfg.window)],
        ['half load', () => driver.openLoop(laterWarmupMs, profileMs, rate)],
      ] as const;
      for (const [phase, run] of phases) {
        await quiet(system);
        await Promise.all(profiling.map((i) => i.startProfiling()));
        const ran = await run();
        const digests = await Promise.all(profiling.map((i, k) => digest(i, system.servers[k].label, phase, ran.acked, cfg.profileDir!)));
        result.profiles.push(...digests);
      }
      for (const i of profiling) i.close();
    }
    return result;
  } finally {
    await driver.stop();
  }
}

/** Stops a server's profiler, keeps the raw profile on disk and returns its summary. */
async function digest(inspector: Inspector, server: string, phase: 'saturation' | 'half load', acked: number, dir: string): Promise<ProfileDigest> {
  const profile = await inspector.stopProfiling();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${server}-${phase === 'saturation' ? 'saturation' : 'half-load'}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const s = summarizeProfileData(profile, file, 12);
  const busyMs = s.totalMs - s.idleMs;
  return { server, phase, busyUsPerMessage: Math.round((busyMs * 1000) / Math.max(1, acked)), file, busyMs, byArea: s.byArea, topFunctions: s.topFunctions };
}

/**
 * A PostgreSQL checkpoint before each phase: the cluster is shared by every system of a run, and
 * a checkpoint forced by the WAL an earlier phase wrote (past max_wal_size) would otherwise land in
 * whichever phase came next, with its disk writes and full-page images (see docs/decisions/010).
 * Every system on PostgreSQL gets the same. Skipped where not allowed.
 */
async function checkpoint(system: RunningSystem): Promise<void> {
  if (!system.databaseUrl) return;
  const client = new pg.Client({ connectionString: system.databaseUrl });
  try {
    await client.connect();
    await client.query('CHECKPOINT');
  } catch {
    // Not a superuser: the phases run as they come.
  } finally {
    await client.end().catch(() => {});
  }
}

/** Waits until the server processes use under 0.15 cores for two seconds running (at most a minute). */
async function quiet(system: RunningSystem): Promise<number> {
  const pids = system.servers.map((s) => s.child.pid!);
  const t0 = performance.now();
  let calm = 0;
  while (calm < 2 && performance.now() - t0 < 60_000) {
    const before = pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
    await new Promise((r) => setTimeout(r, 1000));
    const used = pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0) - before;
    calm = used < 0.15 ? calm + 1 : 0;
  }
  return Math.round(performance.now() - t0);
}

/**
 * Runs a phase and adds the server processes' CPU use over it, in cores, and how the phase shared
 * the machine: each server's main thread running and waiting for a core, and the cores left idle.
 */
async function measured<T extends object>(system: RunningSystem, run: () => Promise<T>): Promise<T & { serverCpuCores: number; scheduling?: PhaseScheduling }> {
  const pids = system.servers.map((s) => s.child.pid!);
  const before = pids.map(cpuSecondsOf);
  const schedBefore = pids.map((pid) => schedOf(pid));
  const idleBefore = machineIdleSeconds();
  const t0 = performance.now();
  const result = await run();
  const seconds = (performance.now() - t0) / 1000;
  const used = pids.map(cpuSecondsOf).reduce((sum, after, i) => sum + (after - before[i]), 0);
  const perSec = (x: number) => Math.round((x / seconds) * 100) / 100;
  const mainThreads = pids.flatMap((pid, i) => {
    const a = schedBefore[i];
    const b = schedOf(pid);
    return a && b ? [{ server: system.servers[i].label, runCores: perSec(b.runSec - a.runSec), waitingCores: perSec(b.waitSec - a.waitSec) }] : [];
  });
  const idle = machineIdleSeconds() - idleBefore;
  const scheduling = mainThreads.length && Number.isFinite(idle) ? { scheduling: { mainThreads, machineIdleCores: perSec(idle) } } : {};
  return { ...result, serverCpuCores: perSec(used), ...scheduling };
}
