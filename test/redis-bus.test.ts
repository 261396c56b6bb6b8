/**
 * The Redis bus between two nodes: events published together cross in one message, in order,
 * and a node's own events reach its subscribers once (locally), never again through Redis.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../src/shared/bus-events';
import { RedisBus } from '../src/server/bus/redis-bus';
import { until } from './helpers/wait';

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) console.warn('!! Redis bus tests SKIPPED: they need TEST_REDIS_URL');

describe.skipIf(!redisUrl)('Redis bus across nodes', () => {
  const buses: RedisBus[] = [];
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
  });

  it('a burst crosses in one publish, in order, and each node hears each event once', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const a = new RedisBus({ url: redisUrl!, prefix, runsJobs: false });
    const b = new RedisBus({ url: redisUrl!, prefix, runsJobs: false });
    buses.push(a, b);
    await Promise.all([a.ready(), b.ready()]);
    const heardA: number[] = [];
    const heardB: number[] = [];
    const seqOf = (e: BusEvent) => (e.type === 'message' ? e.message.seq : -1);
    a.subscribe((e) => heardA.push(seqOf(e)));
    b.subscribe((e) => heardB.push(seqOf(e)));
    const event = (seq: number): BusEvent => ({
      type: 'message',
      message: { id: `m${seq}`, chatId: 'c', seq, senderId: 'u', senderRole: 'member', senderName: 'u', kind: 'text', text: `${seq}`, attachments: [], createdAt: new Date(0).toISOString() },
      chat: { memberId: 'u', assigneeId: null, status: 'pending' },
    });
    const published: string[] = [];
    const pub = (a as unknown as { pub: { publish(channel: string, raw: string): Promise<number> } }).pub;
    const original = pub.publish.bind(pub);
    pub.publish = (channel, raw) => (published.push(raw), original(channel, raw));
    for (let seq = 1; seq <= 5; seq++) a.publish(event(seq)); // one step: a group commit's messages
    await until(() => published.length === 1); // that step went out
    a.publish(event(6)); // a later step: a message of its own
    await until(() => heardB.length >= 6, 5000);
    // b answers once it heard 6: Redis delivers to a's subscription in publish order, so when a
    // hears 7, its own echo of 1-6 has come back (and been skipped) before it.
    b.publish(event(7));
    await until(() => heardA.includes(7), 5000);
    expect(heardB).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(heardA).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(published).toHaveLength(2);
    expect(b.stats.received).toBe(6);
    expect(a.stats.received).toBe(1);
  });
});
