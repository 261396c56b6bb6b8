/** The two sizes of a benchmark run: full (about 10 minutes) and --quick (about 4: most of it starting servers and waiting for them to go quiet). */
import type { CrossNodeConfig } from './scenarios/crossnode';
import type { HistoryConfig } from './scenarios/history';
import type { IdleConfig } from './scenarios/idle';
import type { RelayConfig } from './scenarios/relay';

export interface BenchConfig {
  quick: boolean;
  relay: RelayConfig;
  idle: IdleConfig & { processes: number };
  crossNode: CrossNodeConfig;
  history: HistoryConfig;
}

/** The configuration for a run; `maxConnections` is what one process can hold (open-files limit). */
export function benchConfig(quick: boolean, maxConnections: number): BenchConfig {
  const steps = quick ? [1000, 2000] : [10_000, 50_000];
  // Enough server processes (and load workers) that none holds more than its limit allows.
  const processes = Math.ceil(steps[steps.length - 1] / maxConnections);
  return {
    quick,
    relay: quick
      ? { pairs: 20, window: 8, warmupMs: 500, durationMs: 2500, workers: 2, sweep: { fractions: [0.25], commonRates: [100], durationMs: 1500 } }
      : {
          pairs: 100, window: 8, warmupMs: 2000, durationMs: 8000, workers: 2, profileDurationMs: 4000,
          // 1,000 messages/s is under half of what the slowest system here delivers (Socket.IO + pg).
          sweep: { fractions: [0.25], commonRates: [1000], durationMs: 4000 },
        },
    idle: { steps, processes, workers: Math.max(quick ? 1 : 3, processes), settleMs: quick ? 1000 : 5000, samples: quick ? 2 : 3 },
    crossNode: quick
      ? { pairs: 10, ratePerSec: 100, warmupMs: 500, durationMs: 2500 }
      : { pairs: 50, ratePerSec: 300, warmupMs: 2000, durationMs: 8000 },
    history: { bigMessages: 100_000, smallMessages: 100, requests: quick ? 50 : 300 },
  };
}
