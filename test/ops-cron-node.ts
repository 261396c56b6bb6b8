/**
 * A minimal cron process for test/ops-jobs.test.ts: the real RedisBus and ClusterCron in their own
 * OS process, printing each tick it ran as `ran <tick>`. Args: REDIS_URL PREFIX INTERVAL_MS RUN_MS.
 */
import { RedisBus } from '../src/server/bus/redis-bus';
import { ClusterCron } from '../src/server/ops/cron';

const [url, prefix, interval, runFor] = process.argv.slice(2);
const bus = new RedisBus({ url: url!, prefix: prefix!, runsJobs: false });
await bus.ready();
const cron = new ClusterCron(bus, { warn: (o, m) => console.error(m, o) });
cron.every('test.process-tick', Number(interval), async (tick) => void console.log(`ran ${tick}`));
console.log('ready');
setTimeout(async () => {
  cron.stop();
  const s = cron.stats.get('test.process-tick')!;
  console.log(`stats ${s.ran} ${s.skipped}`);
  await bus.close();
  process.exit(0);
}, Number(runFor));
