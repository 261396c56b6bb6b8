/**
 * Waiting in tests: on a condition (`until`) or on the event that proves something happened —
 * a bus event, the end of a message's reactions, an empty job queue. A test that asserts that
 * something did NOT happen first waits for a later event that proves the earlier one was processed.
 */
import type { BusEvent } from '../../src/shared/bus-events';
import type { MessageDto } from '../../src/shared/protocol';
import type { Bus } from '../../src/server/bus/bus';
import type { EventHub } from '../../src/server/events/hub';

/** Resolves with the first truthy value `check` returns; throws after `timeoutMs`. */
export async function until<T>(check: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A promise rejected after `timeoutMs` with `what` in its message, unless `settle` is called first. */
function deadline<T>(timeoutMs: number, what: string, start: (resolve: (v: T) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = start((v) => {
      clearTimeout(timer);
      stop();
      resolve(v);
    });
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
  });
}

/**
 * Starts listening now and resolves with the first bus event matching `pred` that this node
 * receives. Subscribed last, it runs after the node's own handlers for that event.
 */
export function busEvent(bus: Bus, pred: (e: BusEvent) => boolean, timeoutMs = 10_000): Promise<BusEvent> {
  return deadline(timeoutMs, 'a bus event', (resolve) => bus.subscribe((e) => pred(e) && resolve(e)));
}

/**
 * Starts listening now and resolves when every pipeline reaction (automatic replies, distress,
 * analysis jobs, desk activity…) to the first stored message matching `pred` has finished.
 * Call it before sending.
 */
export function reactionsDone(hub: EventHub, pred: (m: MessageDto) => boolean, timeoutMs = 10_000): Promise<MessageDto> {
  return deadline(timeoutMs, 'the reactions to a message', (resolve) => hub.onReacted((m) => pred(m) && resolve(m)));
}

/** Resolves once no job of any queue is waiting, running or due for a retry (the work queued so far is done). */
export async function jobsIdle(bus: Bus, timeoutMs = 20_000): Promise<void> {
  await until(async () => {
    const counts = await bus.jobCounts();
    return Object.values(counts).every((c) => !c.waiting && !c.active && !c.delayed);
  }, timeoutMs, 25);
}
