/**
 * `npm run bench` (about 10 minutes) or `npm run bench -- --quick` (about 4): runs every
 * scenario side by side on this machine and writes bench/results/latest.{json,md}.
 *
 * Options: --quick · --only=relay,idle,crossnode,history · --systems=ws-relay,lotusdesk-postgres,…
 * · --profile / --no-profile (V8 CPU profiles of the LotusDesk server processes over the relay's
 * saturation phase, into <out>/profiles/; on by default in a full run) · --out=<dir>.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchConfig } from './config';
import { openFilesLimit } from './proc';
import { findings, judge, markdown, writeReport, type BenchReport, type FailedScenario, type ScenarioResult } from './report';
import { crossNodeScenario } from './scenarios/crossnode';
import { historyScenario } from './scenarios/history';
import { idleScenario } from './scenarios/idle';
import { relayScenario, type RelayResult } from './scenarios/relay';
import { ROOT, startLotus, startSocketIoPg, startWsRelay, type RunningSystem, type StartOptions } from './systems';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];

const quick = flag('quick');
const only = new Set((option('only') ?? 'relay,idle,crossnode,history').split(','));
const systems = option('systems')?.split(',') ?? null;
const outDir = option('out') ?? join(ROOT, 'bench', 'results');
// A full run profiles LotusDesk's servers over saturation (so missed targets come with their
// profile); a quick run only when asked.
const profileDir = flag('profile') || (!quick && !flag('no-profile')) ? join(outDir, 'profiles') : undefined;
// Each server process holds one descriptor per connection; keep some for the database, logs, etc.
const fdLimit = openFilesLimit();
const config = benchConfig(quick, Math.max(1000, fdLimit - 1000));

const results: Array<ScenarioResult | FailedScenario> = [];
const notes: string[] = [];
const startedAt = new Date().toISOString();
const loadAtStart = Math.round(loadavg()[0] * 10) / 10;

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

/** Starts a system, runs one scenario on it, always stops it; a failure is recorded, not fatal. */
async function onSystem<T extends ScenarioResult>(scenario: string, label: string, start: () => Promise<RunningSystem>, run: (s: RunningSystem) => Promise<T>): Promise<void> {
  if (systems && !systems.includes(label)) return;
  log(`${scenario} · ${label}`);
  let system: RunningSystem | null = null;
  try {
    system = await start();
    const result = await run(system);
    results.push(result);
    log(`${scenario} · ${label}: ${summary(result)}`);
  } catch (err) {
    const error = String((err as Error)?.stack ?? err);
    results.push({ scenario, system: label, error });
    log(`${scenario} · ${label} FAILED: ${error}${system ? `\n${system.servers.map((s) => s.output.join('')).join('\n')}` : ''}`);
  } finally {
    await system?.stop().catch((err) => log(`stopping ${label}: ${err}`));
  }
}

function summary(r: ScenarioResult): string {
  switch (r.scenario) {
    case 'durable-relay':
      return `${r.saturation.deliveredPerSec}/s (server ${r.saturation.serverCpuCores} cores, client ${r.saturation.clientCpuCores}); half load p99 ack ${r.halfLoad.ack.p99} ms, delivery ${r.halfLoad.delivery.p99} ms; lost acks ${r.saturation.lostAcks + r.halfLoad.lostAcks}`;
    case 'idle-density':
      return r.steps.map((s) => `${s.connections}: ${s.perConnectionKb} kB/conn`).join(', ');
    case 'cross-node-fanout':
      return `p99 same ${r.sameNode.delivery.p99} ms, cross ${r.crossNode.delivery.p99} ms, overhead ${r.p99OverheadMs} ms`;
    case 'history':
      return `p99 big ${r.bigP99Ms} ms, small ${r.smallP99Ms} ms, ratio ${r.p99Ratio}`;
  }
}

const lotusOpts: StartOptions = profileDir ? { inspect: true } : {};

if (only.has('relay')) {
  const cfg = config.relay;
  const lotusCfg = { ...cfg, profileDir };
  await onSystem('durable-relay', 'ws-relay', () => startWsRelay(), (s) => relayScenario(s, cfg));
  await onSystem('durable-relay', 'socketio-pg', () => startSocketIoPg(), (s) => relayScenario(s, cfg));
  await onSystem('durable-relay', 'lotusdesk-postgres', () => startLotus('postgres', lotusOpts), (s) => relayScenario(s, lotusCfg));
  await onSystem('durable-relay', 'lotusdesk-pglite', () => startLotus('pglite', lotusOpts), (s) => relayScenario(s, lotusCfg));
  await onSystem('durable-relay', 'lotusdesk-redis-2-nodes', () => startLotus('redis', lotusOpts), (s) => relayScenario(s, lotusCfg));
}
if (only.has('idle')) {
  const cfg = config.idle;
  // A LotusDesk cluster of that many gateway nodes (on PostgreSQL and Redis) against as many relays.
  const lotusIdle = cfg.processes > 1 ? `lotusdesk-redis-${cfg.processes}-nodes` : 'lotusdesk-postgres';
  if (cfg.processes > 1) {
    notes.push(`Idle density: one process here may hold at most ${fdLimit - 1000} connections (open-files limit ${fdLimit}, a hard limit this machine does not let even root raise: ` +
      `no CAP_SYS_RESOURCE), so both systems hold the connections in ${cfg.processes} server processes each: ${cfg.processes} bare ws relays, and ${lotusIdle}; every figure is the sum over the processes.`);
  }
  await onSystem('idle-density', 'ws-relay', () => startWsRelay({ inspect: true, processes: cfg.processes }), (s) => idleScenario(s, cfg));
  await onSystem('idle-density', lotusIdle, () => (cfg.processes > 1 ? startLotus('redis', { inspect: true, nodes: cfg.processes }) : startLotus('postgres', { inspect: true })), (s) => idleScenario(s, cfg));
}
if (only.has('crossnode')) {
  // The fan-out overhead is a latency, compared well below saturation: at most a quarter of what
  // this cluster delivered in the relay (its deferred work needs room too).
  const relay = results.find((r): r is RelayResult => r.scenario === 'durable-relay' && r.system === 'lotusdesk-redis-2-nodes' && !('error' in r));
  const ratePerSec = relay ? Math.max(20, Math.min(config.crossNode.ratePerSec, Math.round(relay.saturation.deliveredPerSec / 4))) : config.crossNode.ratePerSec;
  await onSystem('cross-node-fanout', 'lotusdesk-redis-2-nodes', () => startLotus('redis'), (s) => crossNodeScenario(s, { ...config.crossNode, ratePerSec }));
}
if (only.has('history')) {
  await onSystem('history', 'lotusdesk-postgres', () => startLotus('postgres'), (s) => historyScenario(s, config.history));
}

const report: BenchReport = {
  startedAt,
  finishedAt: new Date().toISOString(),
  quick,
  machine: {
    cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, openFilesLimit: fdLimit,
    loadAverage: { start: loadAtStart, end: Math.round(loadavg()[0] * 10) / 10 },
  },
  results,
  targets: [],
  findings: [],
  notes,
};
report.targets = judge(results);
report.findings = findings(results, report.targets);
writeReport(outDir, report);
process.stdout.write(markdown(report));
log(`wrote ${join(outDir, 'latest.json')} and latest.md`);
