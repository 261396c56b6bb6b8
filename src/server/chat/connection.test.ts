import { describe, expect, it } from 'vitest';
import { Connection, type RangeLoader } from './connection';
import { until } from '../../../test/helpers/wait';

function fakeSocket() {
  const sent: string[] = [];
  return { sent, socket: { readyState: 1, bufferedAmount: 0, send: (f: string | Buffer) => sent.push(String(f)), close: () => {} } };
}

const frame = (seq: number) => `m${seq}`;

describe('Connection ordered delivery', () => {
  it('delivers in seq order, holding early frames and dropping duplicates', () => {
    const { sent, socket } = fakeSocket();
    const c = new Connection(socket as any, 'c1', { perSec: 10, burst: 10 }, async () => []);
    c.setCursor('chat', 0);
    c.deliver('chat', 2, frame(2));
    c.deliver('chat', 3, frame(3));
    expect(sent).toEqual([]);
    c.deliver('chat', 1, frame(1));
    c.deliver('chat', 2, frame(2));
    expect(sent).toEqual(['m1', 'm2', 'm3']);
    c.dispose();
  });

  it('fills a gap that does not close by itself from the loader', async () => {
    const { sent, socket } = fakeSocket();
    const loader: RangeLoader = async (_chat, after, upTo) => Array.from({ length: upTo - after }, (_, i) => ({ seq: after + 1 + i, frame: frame(after + 1 + i) }));
    const c = new Connection(socket as any, 'c1', { perSec: 10, burst: 10 }, loader);
    c.setCursor('chat', 5);
    c.deliver('chat', 8, frame(8));
    await until(() => sent.length >= 3, 5000);
    expect(sent).toEqual(['m6', 'm7', 'm8']);
    c.dispose();
  });

  it('rate limits with a token bucket that refills', async () => {
    const { socket } = fakeSocket();
    const c = new Connection(socket as any, 'c1', { perSec: 20, burst: 3 }, async () => []);
    expect([c.takeToken(), c.takeToken(), c.takeToken(), c.takeToken()]).toEqual([true, true, true, false]);
    expect(c.retryAfterMs()).toBeGreaterThan(0);
    // The refill is the subject: wait as long as the bucket says, on the wall clock it reads.
    await new Promise((r) => setTimeout(r, c.retryAfterMs() + 10));
    expect(c.takeToken()).toBe(true);
  });
});
