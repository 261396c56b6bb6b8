/**
 * Idle density: resident memory per authenticated, silent connection, from the server processes'
 * VmRSS with the idle servers' baseline subtracted, at each step of connection counts. One process
 * holds at most as many connections as its open-files limit allows, so a system may run several
 * (the same number for every system of a run), the connections spread evenly over them.
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
  /** Server processes holding the connections (figures are their sums). */
  processes: number;
  baselineRssKb: number;
  baselineHeapKb: number;
  steps: IdleStep[];
}

/**
 * Opens idle connections step by step and reads the server's resident memory at each step. The
 * system must run with the inspector open (StartOptions.inspect): each reading follows a full GC.
 */
export async function idleScenario(system: RunningSystem, cfg: IdleConfig): Promise<IdleResult> {
  const inspectors = await Promise.all(system.servers.map((s) => Inspector.attach(s.output)));
  const base = await settled(system, inspectors, cfg);
  const driver = await LoadDriver.start(cfg.workers);
  const steps: IdleStep[] = [];
  try {
    let open = 0;
    for (const [i, target] of cfg.steps.entries()) {
      await driver.idle(system.spec, target - open, sourceAddresses(8), i);
      open = target;
      const now = await settled(system, inspectors, cfg);
      const per = (kb: number) => Math.round((kb / target) * 100) / 100;
      steps.push({ connections: target, rssKb: now.rssKb, perConnectionKb: per(now.rssKb - base.rssKb), heapPerConnectionKb: per(now.heapKb - base.heapKb) });
    }
  } finally {
    await driver.stop();
    for (const i of inspectors) i.close();
  }
  return { scenario: 'idle-density', system: system.name, processes: system.servers.length, baselineRssKb: base.rssKb, baselineHeapKb: base.heapKb, steps };
}

/**
 * Memory once the process is quiet and collected: right after a burst of handshakes, RSS still
 * holds garbage and heap pages V8 has not returned yet, which is not memory the connections need.
 * The baseline is read the same way, so start-up garbage does not flatter the per-connection figure.
 */
async function settled(system: RunningSystem, inspectors: Inspector[], cfg: IdleConfig): Promise<{ rssKb: number; heapKb: number }> {
  await sleep(cfg.settleMs);
  let heapKb = 0;
  for (const inspector of inspectors) {
    await inspector.collectGarbage();
    heapKb += (await inspector.memory()).heapUsedKb;
  }
  const lowest = inspectors.map(() => Infinity);
  for (let k = 0; k < cfg.samples; k++) {
    inspectors.forEach((_, i) => (lowest[i] = Math.min(lowest[i], system.rssKb(i))));
    if (k < cfg.samples - 1) await sleep(1000);
  }
  return { rssKb: lowest.reduce((a, b) => a + b, 0), heapKb };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
