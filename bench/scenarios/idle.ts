/**
 * Idle density: resident memory per authenticated, silent connection, from the server process's
 * VmRSS with the idle server's baseline subtracted, at each step of connection counts.
 */
import { LoadDriver, sourceAddresses } from '../load/driver';
import type { RunningSystem } from '../systems';

export interface IdleConfig {
  /** Connection counts to measure at, ascending (connections are added between steps). */
  steps: number[];
  workers: number;
  settleMs: number;
}

export interface IdleStep {
  connections: number;
  rssKb: number;
  perConnectionKb: number;
}

export interface IdleResult {
  scenario: 'idle-density';
  system: string;
  baselineRssKb: number;
  steps: IdleStep[];
}

/** Opens idle connections step by step and reads the server's resident memory at each step. */
export async function idleScenario(system: RunningSystem, cfg: IdleConfig): Promise<IdleResult> {
  await sleep(cfg.settleMs);
  const baselineRssKb = system.rssKb();
  const driver = await LoadDriver.start(cfg.workers);
  const steps: IdleStep[] = [];
  try {
    let open = 0;
    for (const [i, target] of cfg.steps.entries()) {
      await driver.idle(system.spec, target - open, sourceAddresses(8), i);
      open = target;
      // Let the allocator and GC settle: growth right after a burst of handshakes is garbage.
      await sleep(cfg.settleMs);
      const rssKb = system.rssKb();
      steps.push({ connections: target, rssKb, perConnectionKb: Math.round(((rssKb - baselineRssKb) / target) * 100) / 100 });
    }
  } finally {
    await driver.stop();
  }
  return { scenario: 'idle-density', system: system.name, baselineRssKb, steps };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
