/**
 * Cross-node fan-out: on a two-node LotusDesk cluster (Redis bus), half the pairs have the member
 * and the agent on the same node and half have them on different nodes, driven at the same time
 * at the same fixed rate, so both see the same machine load. The overhead is the difference of
 * their p99 delivery latencies.
 */
import { LoadDriver, sourceAddresses, type MergedPhase } from '../load/driver';
import type { RunningSystem } from '../systems';

export interface CrossNodeConfig {
  pairs: number;
  ratePerSec: number;
  warmupMs: number;
  durationMs: number;
}

export interface CrossNodeResult {
  scenario: 'cross-node-fanout';
  system: string;
  ratePerSec: number;
  sameNode: MergedPhase;
  crossNode: MergedPhase;
  /** p99 delivery across nodes minus p99 delivery on one node, in ms. */
  p99OverheadMs: number;
}

/** Runs same-node and cross-node pairs side by side on a two-node cluster. */
export async function crossNodeScenario(system: RunningSystem, cfg: CrossNodeConfig): Promise<CrossNodeResult> {
  if (system.servers.length < 2) throw new Error('cross-node fan-out needs a two-node system');
  const same = await LoadDriver.start(1);
  const cross = await LoadDriver.start(1);
  try {
    await same.preparePairs({ ...system.spec, agentUrl: system.spec.memberUrl }, cfg.pairs, sourceAddresses(2));
    await cross.preparePairs(system.spec, cfg.pairs, sourceAddresses(2).map((a) => a.replace(/\.(\d+)$/, (_, n) => `.${Number(n) + 10}`)));
    const [sameNode, crossNode] = await Promise.all([
      same.openLoop(cfg.warmupMs, cfg.durationMs, cfg.ratePerSec / 2),
      cross.openLoop(cfg.warmupMs, cfg.durationMs, cfg.ratePerSec / 2),
    ]);
    return {
      scenario: 'cross-node-fanout', system: system.name, ratePerSec: cfg.ratePerSec, sameNode, crossNode,
      p99OverheadMs: Math.round((crossNode.delivery.p99 - sameNode.delivery.p99) * 1000) / 1000,
    };
  } finally {
    await Promise.all([same.stop(), cross.stop()]);
  }
}
