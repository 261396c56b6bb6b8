/**
 * Jobs and cron: retries with backoff, dead letters kept for inspection, the worker role gate,
 * and cron ticks that run once per cluster however many cron processes there are — on the
 * in-process bus always, on Redis/BullMQ when the test setup found a Redis.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus, BusJobOptions } from '../src/server/bus/bus';
import { MemoryBus } from '../src/server/bus/memory-bus';
import { RedisBus } from '../src/server/bus/redis-bus';
import { ClusterCron } from '../src/server/ops/cron';
import { jobsIdle, until as poll } from './helpers/wait';
const until = (check: () => boolean | Promise<boolean>, ms = 10_000) => poll(check, ms, 20);

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) console.warn('!! Redis job and cron tests SKIPPED: they need TEST_REDIS_URL');

const quiet = { warn() {} };

const open: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});

const backends: Array<[string, (o: BusJobOptions, prefix: string) => Promise<Bus>]> = [
  ['in-process', async (o) => new MemoryBus(() => {}, o)],
];
if (redisUrl) {
  backends.push([
    'Redis/BullMQ',
    async (o, prefix) => {
      const b = new RedisBus({ url: redisUrl, prefix, ...o });
      await b.ready();
      return b;
    },
  ]);
}

describe.each(backends)('jobs on the %s bus', (name, make) => {
  it('retries a failing job with growing delays, then keeps it as an inspectable dead letter', async () => {
    const failures: boolean[] = [];
    const bus = await make({ attempts: 3, backoffMs: 50, onJobFailure: (_n, final) => failures.push(final) }, `t${randomUUID().slice(0, 8)}`);
    open.push(bus);
    const attemptsAt: number[] = [];
    bus.work('chat.merit', async () => {
      attemptsAt.push(Date.now());
      throw new Error('merit service unavailable');
    });
    const chatId = randomUUID();
    await bus.enqueue('chat.merit', { chatId });
    await until(async () => (await bus.deadLetters()).length === 1);
    expect(attemptsAt).toHaveLength(3);
    // Exponential backoff: at least 50 ms before the second attempt, at least 100 ms before the
    // third. Only lower bounds hold: a queue may run a due job late, never early.
    const [w1, w2] = [attemptsAt[1]! - attemptsAt[0]!, attemptsAt[2]! - attemptsAt[1]!];
    expect(w1).toBeGreaterThanOrEqual(40);
    expect(w2).toBeGreaterThanOrEqual(90);
    expect(failures).toEqual([false, false, true]);
    const [dead] = await bus.deadLetters();
    expect(dead).toMatchObject({ name: 'chat.merit', payload: { chatId }, error: 'merit service unavailable', attempts: 3 });
    expect((await bus.jobCounts())['chat.merit']).toMatchObject({ failed: 1 });
  });

  it('a job that succeeds on a retry is not a dead letter', async () => {
    const bus = await make({ attempts: 4, backoffMs: 20 }, `t${randomUUID().slice(0, 8)}`);
    open.push(bus);
    let calls = 0;
    bus.work('chat.assign', async () => {
      if (++calls < 3) throw new Error('busy');
    });
    await bus.enqueue('chat.assign', { reason: 'test' });
    await until(() => calls === 3);
    await jobsIdle(bus); // the third attempt's outcome is recorded
    expect(await bus.deadLetters()).toEqual([]);
  });

  it('a process without the worker role enqueues but never runs jobs', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const web = await make({ runsJobs: false }, prefix);
    open.push(web);
    let ran = 0;
    web.work('chat.assign', async () => void ran++);
    await web.enqueue('chat.assign', { reason: 'nobody here' });
    expect((await web.jobCounts())['chat.assign']?.waiting).toBe(1);
    if (name === 'in-process') {
      // The in-process runner starts due jobs on the next setImmediate turn: after it, the job is still waiting.
      await new Promise((r) => setImmediate(r));
      expect(ran).toBe(0);
      expect((await web.jobCounts())['chat.assign']?.waiting).toBe(1);
      return;
    }
    // A worker process on the same cluster takes the job; the web process, there all along, never did.
    const worker = await make({}, prefix);
    open.push(worker);
    let workerRan = 0;
    worker.work('chat.assign', async () => void workerRan++);
    await until(() => workerRan === 1);
    await jobsIdle(worker);
    expect(ran).toBe(0);
    expect(workerRan).toBe(1);
  });
});

describe.each(backends)('cron on the %s bus', (name, make) => {
  it('two cron schedulers on one cluster run each tick exactly once', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    // Two cron "nodes": on Redis two separate connections (as two processes would have); the
    // in-process bus is one process, so both schedulers share it.
    const busA = await make({}, prefix);
    const busB = name === 'in-process' ? busA : await make({}, prefix);
    open.push(busA, ...(busB === busA ? [] : [busB]));
    const runs = new Map<number, number>();
    const task = async (tick: number) => void runs.set(tick, (runs.get(tick) ?? 0) + 1);
    const a = new ClusterCron(busA, quiet);
    const b = new ClusterCron(busB, quiet);
    open.push({ close: () => a.stop() }, { close: () => b.stop() });
    a.every('test.tick', 150, task);
    b.every('test.tick', 150, task);
    await until(() => runs.size >= 8, 15_000);
    a.stop();
    b.stop();
    const sa = a.stats.get('test.tick')!;
    const sb = b.stats.get('test.tick')!;
    // A tick already claiming when stopped still finishes: wait until both nodes have had their say on every tick.
    await until(() => sa.ran + sb.ran === runs.size && sa.skipped + sb.skipped === runs.size, 5000).catch(() => {});
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(sa.ran + sb.ran).toBe(runs.size);
    expect(sa.skipped + sb.skipped).toBe(runs.size); // the other node saw every tick and stood back
  });
});

describe.skipIf(!redisUrl)('cron in two OS processes on one Redis', () => {
  it('each tick runs in exactly one of them', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'test/ops-cron-node.ts', redisUrl!, prefix, '200', '4000'], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d) => (out += String(d)));
        child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`cron process exited ${code}: ${out}`))));
      });
    const outputs = await Promise.all([run(), run()]);
    const ticks = outputs.flatMap((o) => [...o.matchAll(/^ran (\d+)$/gm)].map((m) => Number(m[1])));
    const counts = new Map<number, number>();
    for (const t of ticks) counts.set(t, (counts.get(t) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // Both processes were live for a while together: both ran some ticks or stood back from them.
    const stats = outputs.map((o) => /^stats (\d+) (\d+)$/m.exec(o)!.slice(1).map(Number));
    expect(stats.reduce((n, [ran]) => n + ran!, 0)).toBe(counts.size);
    expect(stats.reduce((n, [, skipped]) => n + skipped!, 0)).toBeGreaterThan(0);
    expect(counts.size).toBeGreaterThanOrEqual(5);
  }, 60_000);
});
