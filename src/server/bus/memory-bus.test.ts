import { describe, expect, it } from 'vitest';
import { MemoryBus } from './memory-bus';
import { until } from '../../../test/helpers/wait';

/** Keeps the CPU busy for `ms` (a job's synchronous part, like scoring a message). */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('MemoryBus jobs', () => {
  it('a burst of jobs runs in slices: the event loop gets to other work in between', async () => {
    const bus = new MemoryBus();
    let done = 0;
    bus.work('message.analyze', async () => {
      busy(1);
      done++;
    });
    for (let i = 0; i < 100; i++) await bus.enqueue('message.analyze', { messageId: `m${i}`, chatId: 'c', text: 't', senderRole: 'member' });
    // Something else the process has to do meanwhile (a timer, standing in for a socket read): its turn is the subject.
    const doneWhenOtherWorkRan = await new Promise<number>((resolve) => setTimeout(() => resolve(done), 0));
    expect(doneWhenOtherWorkRan).toBeLessThan(20);
    await until(() => done === 100, 10_000, 5);
    await bus.close();
  });

  it('retries a failing job with backoff and keeps it as a dead letter after the last attempt', async () => {
    const bus = new MemoryBus(() => {}, { attempts: 3, backoffMs: 5 });
    const attempts: number[] = [];
    bus.work('message.analyze', async (_payload, attempt) => {
      attempts.push(attempt);
      throw new Error('nope');
    });
    await bus.enqueue('message.analyze', { messageId: 'x', chatId: 'c', text: 't', senderRole: 'member' });
    await until(async () => (await bus.deadLetters()).length > 0, 10_000, 5);
    expect(attempts).toEqual([1, 2, 3]);
    expect((await bus.jobCounts())['message.analyze']).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 1 });
    await bus.close();
  });
});
