/**
 * Idle density: resident memory per authenticated, silent connection, from the server process's
 * VmRSS with the idle server's baseline subtracted, at each step of connection counts.
 */
import { LoadDriver, sourceAddresses } from '../load/driver';
import { Inspector } from '../inspector';
import type { RunningSystem } from '../systems';

export interface IdleConfig {
  /** Connection counts to measure at, ascending (connections are added between steps). */
  steps: number[];
  workers: number;
  /** Quiet time before reading memory (V8 gives pages back some seconds after a burst). */
  settleMs: number;
  /** RSS is then sampled once a second this many times, and the lowest reading kept. */
  samples: number;
}

export interface IdleStep {
  connections: number;
  rssKb: number;
  /** (RSS − baseline RSS) / connections: the figure the target is about. */
  perConnectionKb: number;
  /** (V8 heap used − baseline) / connections, after a full GC: live JavaScript objects only. */
  heapPerConnectionKb: number;
}

export interface IdleResult {
  scenario: 'idle-density';
  system: string;
  baselineRssKb: number;
  baselineHeapKb: number;
  steps: IdleStep[];
}

/**
 * Opens idle connections step by step and reads the server's resident memory at each step. The
 * system must run with the inspector open (StartOptions.inspect): each reading follows a full GC.
 */
export async function idleScenario(system: RunningSystem, cfg: IdleConfig): Promise<IdleResult> {
  const inspector = await Inspector.attach(system.servers[0].output);
  const base = await settled(system, inspector, cfg);
  const driver = await LoadDriver.start(cfg.workers);
  const steps: IdleStep[] = [];
  try {
    let open = 0;
    for (const [i, target] of cfg.steps.entries()) {
      await driver.idle(system.spec, target - open, sourceAddresses(8), i);
      open = target;
      const now = await settled(system, inspector, cfg);
      const per = (kb: number) => Math.round((kb / target) * 100) / 100;
      steps.push({ connections: target, rssKb: now.rssKb, perConnectionKb: per(now.rssKb - base.rssKb), heapPerConnectionKb: per(now.heapKb - base.heapKb) });
    }
  } finally {
    await driver.stop();
    inspector.close();
  }
  return { scenario: 'idle-density', system: system.name, baselineRssKb: base.rssKb, baselineHeapKb: base.heapKb, steps };
}

/**
 * Memory once the process is quiet and collected: right after a burst of handshakes, RSS still
 * holds garbage and heap pages V8 has not returned yet, which is not memory the connections need.
 * The baseline is read the same way, so start-up garbage does not flatter the per-connection figure.
 */
async function settled(system: RunningSystem, inspector: Inspector, cfg: IdleConfig): Promise<{ rssKb: number; heapKb: number }> {
  await sleep(cfg.settleMs);
  await inspector.collectGarbage();
  const heapKb = (await inspector.memory()).heapUsedKb;
  let lowest = Infinity;
  for (let i = 0; i < cfg.samples; i++) {
    lowest = Math.min(lowest, system.rssKb());
    if (i < cfg.samples - 1) await sleep(1000);
  }
  return { rssKb: lowest, heapKb };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
