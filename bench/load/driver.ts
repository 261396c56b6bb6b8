/**
 * The load driver: forks worker processes (the client gets more than one core's worth of CPU and
 * more file descriptors), spreads pairs and source addresses across them, runs phases on all at
 * once and merges their counts and histograms.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command, PhaseResult, Reply, SystemSpec } from './commands';
import { Histogram } from './histogram';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** Source addresses 127.0.0.2… : each gives its own ~28k ephemeral ports toward one server port. */
export function sourceAddresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.0.${i + 2}`);
}

/** Merged outcome of one phase over all workers. */
export interface MergedPhase {
  sent: number;
  acked: number;
  delivered: number;
  lostAcks: number;
  undelivered: number;
  errors: Record<string, number>;
  /** Messages persisted and delivered to the other party per second, in the measured window. */
  deliveredPerSec: number;
  ack: ReturnType<Histogram['summaryMs']>;
  delivery: ReturnType<Histogram['summaryMs']>;
  /** Client CPU, in cores (2 = two cores busy): when it nears the machine's cores, the client is the limit. */
  clientCpuCores: number;
}

export class LoadDriver {
  private readonly workers: ChildProcess[] = [];

  private constructor(readonly size: number) {}

  /** Starts `size` worker processes. */
  static async start(size: number): Promise<LoadDriver> {
    const d = new LoadDriver(size);
    for (let i = 0; i < size; i++) {
      const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      d.workers.push(child);
    }
    return d;
  }

  /** Opens `pairs` chats (split across workers) and connects both parties of each. */
  async preparePairs(system: SystemSpec, pairs: number, addresses: string[]): Promise<void> {
    await this.all((i) => ({ cmd: 'prepare', system, pairs: share(pairs, this.size, i), sourceIps: slice(addresses, this.size, i), tag: `w${i}` }));
    // Everyone's chats exist before anyone connects (an agent online must not pick up others' chats).
    await this.all(() => ({ cmd: 'connect' }));
  }

  /** Saturation phase. */
  async closedLoop(warmupMs: number, durationMs: number, window: number): Promise<MergedPhase> {
    return merge((await this.all(() => ({ cmd: 'closedLoop', warmupMs, durationMs, window }))) as PhaseResult[]);
  }

  /** Fixed-rate phase; `ratePerSec` is the total over all workers. */
  async openLoop(warmupMs: number, durationMs: number, ratePerSec: number): Promise<MergedPhase> {
    return merge((await this.all(() => ({ cmd: 'openLoop', warmupMs, durationMs, ratePerSec: ratePerSec / this.size }))) as PhaseResult[]);
  }

  /** Adds `count` idle, authenticated connections (split across workers). */
  async idle(system: SystemSpec, count: number, addresses: string[], step: number): Promise<void> {
    await this.all((i) => ({ cmd: 'idle', system, count: share(count, this.size, i), sourceIps: slice(addresses, this.size, i), tag: `w${i}s${step}` }));
  }

  /** Closes every connection and ends the workers. */
  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        const exited = new Promise((r) => w.once('exit', r));
        await this.ask(w, { cmd: 'close' }).catch(() => {});
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (w.exitCode === null) w.kill('SIGKILL');
      }),
    );
  }

  private all(make: (i: number) => Command): Promise<unknown[]> {
    return Promise.all(this.workers.map((w, i) => this.ask(w, make(i))));
  }

  private ask(w: ChildProcess, c: Command): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`load worker exited (${code}) during ${c.cmd}`));
      w.once('exit', onExit);
      w.once('message', (reply: Reply) => {
        w.off('exit', onExit);
        if (reply.ok) resolve(reply.result);
        else reject(new Error(`load worker failed during ${c.cmd}: ${reply.error}`));
      });
      w.send(c);
    });
  }
}

function share(total: number, parts: number, i: number): number {
  return Math.floor(total / parts) + (i < total % parts ? 1 : 0);
}

function slice<T>(items: T[], parts: number, i: number): T[] {
  const mine = items.filter((_, k) => k % parts === i);
  return mine.length ? mine : [items[i % items.length]];
}

function merge(results: PhaseResult[]): MergedPhase {
  const ack = new Histogram();
  const delivery = new Histogram();
  const errors: Record<string, number> = {};
  let sent = 0, acked = 0, delivered = 0, lostAcks = 0, undelivered = 0, inWindow = 0, cpu = 0, windowMs = 0;
  for (const r of results) {
    ack.merge(r.ack);
    delivery.merge(r.delivery);
    for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    sent += r.sent;
    acked += r.acked;
    delivered += r.delivered;
    lostAcks += r.lostAcks;
    undelivered += r.undelivered;
    inWindow += r.deliveredInWindow;
    cpu += r.cpuCores;
    windowMs = Math.max(windowMs, r.windowMs);
  }
  return {
    sent, acked, delivered, lostAcks, undelivered, errors,
    deliveredPerSec: Math.round((inWindow / windowMs) * 1000),
    ack: ack.summaryMs(),
    delivery: delivery.summaryMs(),
    clientCpuCores: Math.round(cpu * 100) / 100,
  };
}
