/**
 * Turns one run's scenario results into ratios and target verdicts, and writes them as
 * bench/results/latest.json and bench/results/latest.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CrossNodeResult } from './scenarios/crossnode';
import type { HistoryResult } from './scenarios/history';
import type { IdleResult } from './scenarios/idle';
import type { ProfileDigest } from './profile';
import type { RelayResult } from './scenarios/relay';

export type ScenarioResult = (RelayResult | IdleResult | CrossNodeResult | HistoryResult) & { ratios?: Record<string, number>; profiles?: ProfileDigest[] };
export interface FailedScenario {
  scenario: string;
  system: string;
  error: string;
}

export interface TargetVerdict {
  target: string;
  system: string;
  value: number;
  limit: string;
  pass: boolean;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  machine: { cpus: number; memoryGb: number; node: string; openFilesLimit: number; loadAverage: { start: number; end: number } };
  results: Array<ScenarioResult | FailedScenario>;
  targets: TargetVerdict[];
  /** Why missed targets were missed, from this run's measurements (see `findings`). */
  findings: string[];
  notes: string[];
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const isRelay = (r: ScenarioResult | FailedScenario): r is RelayResult => r.scenario === 'durable-relay' && !('error' in r);
const isIdle = (r: ScenarioResult | FailedScenario): r is IdleResult => r.scenario === 'idle-density' && !('error' in r);

/** Every load a relay ran at, highest first: saturation, half load, then the sweep's lower loads. */
export interface LoadRow {
  label: string;
  ratePerSec: number;
  delivery: RelayResult['halfLoad']['delivery'];
  lostAcks: number;
  scheduling?: RelayResult['halfLoad']['scheduling'];
}

export function loadRows(r: RelayResult): LoadRow[] {
  return [
    { label: 'saturation', ratePerSec: r.saturation.deliveredPerSec, delivery: r.saturation.delivery, lostAcks: r.saturation.lostAcks, scheduling: r.saturation.scheduling },
    { label: 'half load', ratePerSec: r.halfLoad.targetRatePerSec, delivery: r.halfLoad.delivery, lostAcks: r.halfLoad.lostAcks, scheduling: r.halfLoad.scheduling },
    ...(r.sweep ?? []).map((p) => ({ label: p.label, ratePerSec: p.ratePerSec, delivery: p.delivery, lostAcks: p.lostAcks, scheduling: p.scheduling })),
  ];
}

/**
 * Main-thread CPU per message at a load, in µs, summed over the server processes (from the
 * kernel's run time, not a profiler). It rises as the rate falls when each message costs its own
 * system calls and wake-ups instead of sharing them with others.
 */
export function mainThreadUsPerMessage(row: LoadRow): number | null {
  const threads = row.scheduling?.mainThreads;
  if (!threads?.length || row.ratePerSec <= 0) return null;
  return Math.round((threads.reduce((sum, t) => sum + t.runCores, 0) * 1e6) / row.ratePerSec);
}

/** Adds ratios to the result objects and judges every target. */
export function judge(results: Array<ScenarioResult | FailedScenario>): TargetVerdict[] {
  const targets: TargetVerdict[] = [];
  const relays = results.filter(isRelay);
  const ws = relays.find((r) => r.system === 'ws-relay');
  const sio = relays.find((r) => r.system === 'socketio-pg');
  for (const r of relays.filter((x) => x.system.startsWith('lotusdesk'))) {
    const res = r as ScenarioResult;
    res.ratios = {};
    if (ws) {
      res.ratios.vsWsRelay = round(r.saturation.deliveredPerSec / ws.saturation.deliveredPerSec);
      targets.push({ target: 'durable relay vs bare ws', system: r.system, value: res.ratios.vsWsRelay, limit: '≥ 0.35×', pass: res.ratios.vsWsRelay >= 0.35 });
    }
    if (sio) {
      res.ratios.vsSocketIoPg = round(r.saturation.deliveredPerSec / sio.saturation.deliveredPerSec);
      targets.push({ target: 'durable relay vs Socket.IO + pg', system: r.system, value: res.ratios.vsSocketIoPg, limit: '≥ 2×', pass: res.ratios.vsSocketIoPg >= 2 });
    }
    const p99 = r.halfLoad.delivery.p99;
    targets.push({ target: 'p99 delivery at half load', system: r.system, value: p99, limit: '≤ 25 ms', pass: p99 <= 25 && r.halfLoad.lostAcks === 0 });
  }
  const idles = results.filter(isIdle);
  const wsIdle = idles.find((r) => r.system === 'ws-relay');
  for (const r of idles.filter((x) => x.system.startsWith('lotusdesk'))) {
    const res = r as ScenarioResult;
    if (!wsIdle) continue;
    res.ratios = {};
    for (const step of r.steps) {
      const peer = wsIdle.steps.find((s) => s.connections === step.connections);
      if (peer) res.ratios[`vsWsRelayAt${step.connections}`] = round(step.perConnectionKb / peer.perConnectionKb);
    }
    const last = r.steps[r.steps.length - 1];
    const ratio = res.ratios[`vsWsRelayAt${last.connections}`];
    if (ratio !== undefined) targets.push({ target: `memory per idle connection vs bare ws (${last.connections} held)`, system: r.system, value: ratio, limit: '≤ 1.5×', pass: ratio <= 1.5 });
  }
  for (const r of results) {
    if ('error' in r) continue;
    if (r.scenario === 'cross-node-fanout') targets.push({ target: 'cross-node p99 overhead', system: r.system, value: r.p99OverheadMs, limit: '≤ 3 ms', pass: r.p99OverheadMs <= 3 });
    if (r.scenario === 'history') targets.push({ target: 'history page p99, 100k vs 100 messages', system: r.system, value: r.p99Ratio, limit: '≤ 1.5×', pass: r.p99Ratio <= 1.5 });
  }
  return targets;
}

/**
 * For every target not met, what the same run measured about why: the database work per message
 * next to the Socket.IO server's, what the database sessions waited on, and where the server's CPU
 * went (with --profile). Derived from the results only.
 */
export function findings(results: Array<ScenarioResult | FailedScenario>, targets: TargetVerdict[]): string[] {
  const out: string[] = [];
  const missed = new Set(targets.filter((t) => !t.pass).map((t) => `${t.target}|${t.system}`));
  const relays = results.filter(isRelay);
  const sio = relays.find((r) => r.system === 'socketio-pg');
  const ws = relays.find((r) => r.system === 'ws-relay');
  for (const r of relays.filter((x) => x.system.startsWith('lotusdesk'))) {
    const relayMissed = [...missed].some((k) => k.endsWith(`|${r.system}`) && (k.startsWith('durable relay') || k.startsWith('p99 delivery')));
    if (!relayMissed) continue;
    const db = r.saturation.postgres ? `, the database at ${r.saturation.postgres.cpuCores}` : '';
    const parts: string[] = [`${r.system}: ${r.saturation.deliveredPerSec} messages/s at saturation with the server at ${r.saturation.serverCpuCores} cores${db} and the client at ${r.saturation.clientCpuCores}`];
    const pg = r.saturation.postgres;
    if (pg) {
      parts.push(`PostgreSQL did ${pg.transactionsPerMessage} transactions and ${pg.rowWritesPerMessage} row writes per message` +
        (sio?.saturation.postgres ? ` (Socket.IO + pg: ${sio.saturation.postgres.transactionsPerMessage} and ${sio.saturation.postgres.rowWritesPerMessage})` : ''));
      const waits = pg.topWaits.slice(0, 3).map((w) => `${w.share}% ${w.wait} on \`${w.statement.replace(/[|`]/g, ' ').trim()}…\``);
      if (waits.length) parts.push(`its busy sessions were mostly ${waits.join(', ')}`);
    }
    const phases = [['saturation', r.saturation.scheduling], ['half load', r.halfLoad.scheduling]] as const;
    for (const [phase, sched] of phases) {
      const main = sched?.mainThreads[0];
      if (main) parts.push(`at ${phase} its main thread ran ${main.runCores} cores and waited ${main.waitingCores} cores' worth for a CPU (runnable, not running; ${sched.machineIdleCores} cores idle on the machine)`);
    }
    // The same latency limit applied to the ceiling: when the bare relay misses it too, at its own
    // half load, the machine (not the server's code) sets the floor in this run.
    if (missed.has(`p99 delivery at half load|${r.system}`) && ws) {
      const wsP99 = ws.halfLoad.delivery.p99;
      parts.push(`the bare ws relay's own p99 delivery at its half load in this run: ${ms(wsP99)} ms (${wsP99 > 25 ? 'over' : 'within'} the same 25 ms)`);
    }
    if (missed.has(`p99 delivery at half load|${r.system}`)) parts.push(...lowerLoads(r, relays));
    for (const p of (r as ScenarioResult).profiles ?? []) {
      const perMessage = p.busyUsPerMessage !== undefined ? ` ${p.busyUsPerMessage} µs of main thread per message,` : '';
      const top = p.topFunctions[0];
      parts.push(`${p.server} CPU${p.phase ? ` at ${p.phase}` : ''}:${perMessage} ${p.byArea.slice(0, 5).map((a) => `${a.area} ${a.share}%`).join(', ')}${top ? ` (top function ${top.name} ${top.share}%)` : ''}`);
    }
    out.push(parts.join('; ') + '.');
  }
  for (const r of results.filter(isIdle)) {
    const last = r.steps[r.steps.length - 1];
    if ([...missed].some((k) => k.startsWith('memory per idle') && k.endsWith(`|${r.system}`))) {
      out.push(`${r.system}: ${last.perConnectionKb} kB RSS and ${last.heapPerConnectionKb} kB of live V8 heap per idle connection at ${last.connections}.`);
    }
  }
  return out;
}

/**
 * What the sweep adds to a missed half-load p99: the p99 at the lower loads, beside the other
 * systems' at the same common rate, and the main thread's cost per message at each load (with the
 * bare relay's, whose cost rises the same way when the machine, not the code, sets it).
 */
function lowerLoads(r: RelayResult, relays: RelayResult[]): string[] {
  const parts: string[] = [];
  for (const p of r.sweep ?? []) {
    if (p.label !== 'common rate') {
      parts.push(`at ${p.label} (${p.ratePerSec}/s) its p99 delivery was ${ms(p.delivery.p99)} ms`);
      continue;
    }
    const peers = relays
      .filter((x) => x !== r && !x.system.startsWith('lotusdesk'))
      .flatMap((x) => (x.sweep ?? []).filter((q) => q.label === 'common rate' && q.ratePerSec === p.ratePerSec).map((q) => `${x.system} ${ms(q.delivery.p99)} ms`));
    parts.push(`at ${p.ratePerSec}/s, a rate every system ran, its p99 delivery was ${ms(p.delivery.p99)} ms${peers.length ? ` (${peers.join(', ')})` : ''}`);
  }
  const costs = (x: RelayResult) =>
    loadRows(x).flatMap((row) => {
      const us = mainThreadUsPerMessage(row);
      return us === null ? [] : [`${us} µs at ${row.ratePerSec}/s`];
    });
  const own = costs(r);
  const ws = relays.find((x) => x.system === 'ws-relay');
  if (own.length > 1) parts.push(`its main thread ran ${own.join(', ')} per message${ws && costs(ws).length > 1 ? ` (the bare ws relay: ${costs(ws).join(', ')})` : ''}`);
  return parts;
}

/** Writes latest.json and latest.md into `dir`. */
export function writeReport(dir: string, report: BenchReport): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(dir, 'latest.md'), markdown(report));
}

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');

/** A warning when the machine's load average exceeded its cores: figures are then pessimistic. */
function busy(r: BenchReport): string {
  const { start, end } = r.machine.loadAverage;
  return Math.max(start, end) > r.machine.cpus ? ` (above ${r.machine.cpus}: other work was competing for the CPUs, so every figure is pessimistic)` : '';
}

/** The report as markdown tables. */
export function markdown(r: BenchReport): string {
  const out: string[] = [];
  out.push(`# LotusDesk benchmarks${r.quick ? ' (quick run)' : ''}`, '');
  out.push(`Run ${r.startedAt} → ${r.finishedAt} on ${r.machine.cpus} CPU cores, ${r.machine.memoryGb} GB, Node ${r.machine.node}, open-files limit ${r.machine.openFilesLimit}; 1-minute load average ${r.machine.loadAverage.start} at the start and ${r.machine.loadAverage.end} at the end${busy(r)}. ` +
    'Every system ran on this machine, in this run, driven by the same load generator (bench/load). Produced by `npm run bench`.', '');
  out.push('## Targets', '', '| target | system | value | limit | verdict |', '| --- | --- | --- | --- | --- |');
  for (const t of r.targets) out.push(`| ${t.target} | ${t.system} | ${t.value} | ${t.limit} | ${t.pass ? 'met' : '**not met**'} |`);
  out.push('');
  if (r.findings.length) {
    out.push('### What stopped the targets not met (measured in this run)', '');
    for (const f of r.findings) out.push(`- ${f}`);
    out.push('');
  }

  const relays = r.results.filter(isRelay);
  if (relays.length) {
    out.push('## Durable relay', '', 'Saturation: every member keeps a window of messages in flight; "delivered/s" counts messages acked (persisted) and received by the other party. Half load: fixed rate at half of that system\'s saturation, started once the servers were quiet again (work deferred during saturation, such as queued analysis jobs, done). Latencies in ms; CPU in cores (the machine has ' + r.machine.cpus + ').', '');
    out.push('| system | delivered/s | ratio vs ws / vs Socket.IO | half-load rate | ack p50 | ack p99 | delivery p50 | delivery p99 | lost acks | server CPU (sat.) | database CPU (sat.) | client CPU (sat.) | PG transactions per message |');
    out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const x of relays) {
      const ratios = (x as ScenarioResult).ratios;
      const ratio = ratios ? `${ratios.vsWsRelay ?? '—'}× / ${ratios.vsSocketIoPg ?? '—'}×` : '—';
      const h = x.halfLoad;
      out.push(`| ${x.system} | ${x.saturation.deliveredPerSec} | ${ratio} | ${h.targetRatePerSec}/s | ${ms(h.ack.p50)} | ${ms(h.ack.p99)} | ${ms(h.delivery.p50)} | ${ms(h.delivery.p99)} | ${x.saturation.lostAcks + h.lostAcks} | ${x.saturation.serverCpuCores} | ${x.saturation.postgres?.cpuCores ?? '—'} | ${x.saturation.clientCpuCores} | ${x.saturation.postgres?.transactionsPerMessage ?? '—'} |`);
    }
    out.push('');
    for (const x of relays) {
      const p = x.saturation.postgres;
      if (!p) continue;
      const waits = p.topWaits.slice(0, 4).map((w) => `${w.share}% ${w.wait} in \`${w.statement.replace(/[|`]/g, ' ')}…\``).join('; ');
      out.push(`- ${x.system}: ${p.transactions} PostgreSQL transactions and ${p.rowsInserted + p.rowsUpdated} row writes for ${x.saturation.acked + x.halfLoad.acked} messages (both phases); at saturation its busy sessions were: ${waits || 'none sampled'}.`);
    }
    out.push('');
    const scheduled = relays.filter((x) => x.saturation.scheduling || x.halfLoad.scheduling);
    if (scheduled.length) {
      out.push('How each phase shared the machine\'s cores, from the kernel\'s scheduler accounting (/proc/…/schedstat, /proc/stat): each server process\'s main thread (its event loop) running, and runnable but waiting for a core that the database, the load generator or the server\'s own other threads held. Waiting is latency no server code removes.', '');
      out.push('| system | server process | main thread running (sat.) | waiting for a core (sat.) | machine idle (sat.) | main thread running (half) | waiting for a core (half) | machine idle (half) |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
      for (const x of scheduled) {
        const sat = x.saturation.scheduling;
        const half = x.halfLoad.scheduling;
        const servers = (sat ?? half)!.mainThreads.map((m) => m.server);
        for (const server of servers) {
          const a = sat?.mainThreads.find((m) => m.server === server);
          const b = half?.mainThreads.find((m) => m.server === server);
          out.push(`| ${x.system} | ${server} | ${a?.runCores ?? '—'} | ${a?.waitingCores ?? '—'} | ${sat?.machineIdleCores ?? '—'} | ${b?.runCores ?? '—'} | ${b?.waitingCores ?? '—'} | ${half?.machineIdleCores ?? '—'} |`);
        }
      }
      out.push('');
    }
    if (relays.some((x) => x.sweep?.length)) {
      out.push('Latency by offered load: the saturation and half-load phases above, then fixed rates below half load (a quarter of the system\'s own saturation, and a rate every system ran). Main-thread CPU per message is the kernel\'s run time of the server processes\' main threads over the phase divided by the messages at that rate.', '');
      out.push('| system | load | rate | delivery p50 | delivery p99 | lost acks | main thread µs per message | main thread waiting for a core | machine idle |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
      for (const x of relays) {
        for (const row of loadRows(x)) {
          const waiting = row.scheduling ? round(row.scheduling.mainThreads.reduce((sum, t) => sum + t.waitingCores, 0)) : '—';
          out.push(`| ${x.system} | ${row.label} | ${row.ratePerSec}/s | ${ms(row.delivery.p50)} | ${ms(row.delivery.p99)} | ${row.lostAcks} | ${mainThreadUsPerMessage(row) ?? '—'} | ${waiting} | ${row.scheduling?.machineIdleCores ?? '—'} |`);
        }
      }
      out.push('');
    }
    for (const x of relays) {
      for (const h of x.halfLoad.serverHealth ?? []) {
        const gc = Object.entries(h.gcPauseMsPerSec).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
        out.push(`- ${h.server} at half load, from its own /metrics: ${Number.isFinite(h.serverAckP50AtMostMs) ? `acks sent within ${h.serverAckP50AtMostMs} ms (p50) and ${h.serverAckP99AtMostMs} ms (p99) of the send frame's arrival` : 'no sends (its connections only receive)'}; event-loop timers late by ${h.eventLoopP50Ms} ms (p50), ${h.eventLoopP99Ms} ms (p99), ${h.eventLoopMaxMs} ms (max), with a 10 ms sampling interval included; GC pauses per second: ${gc || 'none'} ms.`);
      }
    }
    out.push('');
  }
  const idles = r.results.filter(isIdle);
  if (idles.length) {
    out.push('## Idle density', '', 'Resident memory (VmRSS of the server processes, idle baseline subtracted, summed over the processes that hold the connections) per authenticated idle connection, read after a full GC (through the inspector) and a quiet period, lowest of several samples; the V8 heap column counts live JavaScript objects only.', '');
    out.push('| system | processes | baseline RSS | connections | RSS | kB per connection (RSS) | ratio vs ws | kB per connection (V8 heap after GC) |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const x of idles) {
      for (const s of x.steps) {
        const ratio = (x as ScenarioResult).ratios?.[`vsWsRelayAt${s.connections}`];
        out.push(`| ${x.system} | ${x.processes ?? 1} | ${Math.round(x.baselineRssKb / 1024)} MB | ${s.connections} | ${Math.round(s.rssKb / 1024)} MB | ${s.perConnectionKb} | ${ratio ?? '—'} | ${s.heapPerConnectionKb} |`);
      }
    }
    out.push('');
  }
  for (const x of r.results) {
    if ('error' in x) continue;
    if (x.scenario === 'cross-node-fanout') {
      out.push('## Cross-node fan-out', '', `Two LotusDesk nodes on Redis; same-node and cross-node pairs driven together at ${x.ratePerSec} messages/s in total.`, '');
      out.push('| pairs | delivery p50 | delivery p99 | lost acks |', '| --- | --- | --- | --- |');
      out.push(`| same node | ${ms(x.sameNode.delivery.p50)} | ${ms(x.sameNode.delivery.p99)} | ${x.sameNode.lostAcks} |`);
      out.push(`| across nodes | ${ms(x.crossNode.delivery.p50)} | ${ms(x.crossNode.delivery.p99)} | ${x.crossNode.lostAcks} |`);
      out.push('', `p99 overhead: **${ms(x.p99OverheadMs)} ms**`, '');
    }
    if (x.scenario === 'history') {
      out.push('## History', '', 'GET /api/chats/:id/messages?limit=50 (newest page, and `before` a random seq), alternating between the chats.', '');
      out.push('| chat | messages | newest p50 | newest p99 | deep p50 | deep p99 |', '| --- | --- | --- | --- | --- | --- |');
      for (const [label, p] of [['big', x.big], ['small', x.small]] as const) {
        out.push(`| ${label} | ${p.messages} | ${ms(p.newest.p50)} | ${ms(p.newest.p99)} | ${ms(p.deep.p50)} | ${ms(p.deep.p99)} |`);
      }
      out.push('', `p99 ratio big/small: **${x.p99Ratio}×**`, '');
    }
  }
  const profiled = r.results.filter((x): x is ScenarioResult => !('error' in x) && !!(x as ScenarioResult).profiles?.length);
  if (profiled.length) {
    out.push('## CPU profiles', '', 'V8 profiles of the server processes\' main threads over phases of their own, run after the measured phases (`--profile`): one at saturation, one at the half-load rate; busy time per message acked, and self time by package or source folder as a share of busy time.', '');
    for (const x of profiled) {
      for (const p of x.profiles!) {
        const areas = p.byArea.slice(0, 8).map((a) => `${a.area} ${a.share}%`).join(', ');
        const fns = p.topFunctions.slice(0, 5).map((f) => `${f.name} ${f.share}%`).join(', ');
        const perMessage = p.busyUsPerMessage !== undefined ? ` (${p.busyUsPerMessage} µs per message)` : '';
        out.push(`- ${x.scenario} · ${p.server}${p.phase ? ` · ${p.phase}` : ''}: busy ${p.busyMs} ms${perMessage} — ${areas}. Top functions: ${fns}.`);
      }
    }
    out.push('');
  }
  const failed = r.results.filter((x): x is FailedScenario => 'error' in x);
  if (failed.length) {
    out.push('## Failed scenarios', '');
    for (const f of failed) out.push(`- ${f.scenario} on ${f.system}: ${f.error.split('\n')[0]}`);
    out.push('');
  }
  if (r.notes.length) {
    out.push('## Notes', '');
    for (const n of r.notes) out.push(`- ${n}`);
    out.push('');
  }
  return out.join('\n');
}
