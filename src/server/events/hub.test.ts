import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../shared/bus-events';
import type { MessageDto } from '../../shared/protocol';
import { MemoryBus } from '../bus/memory-bus';
import type { Db } from '../db/database';
import { EventHub, type Listener } from './hub';

const message = { id: 'm1', chatId: 'c1', seq: 1, senderId: 'u', senderRole: 'member', senderName: 'x', kind: 'text', text: '你好', attachments: [], createdAt: new Date(0).toISOString() } as MessageDto;
const facts = { memberId: 'u', assigneeId: null, status: 'pending' as const };
const created = (id: string): RecordedEvent => ({ id, type: 'chat.created', createdAt: new Date(0).toISOString(), data: { chatId: 'c1', memberId: 'u', topic: null } });

/** A database stand-in that records which events were stamped as published. */
function stampingDb(stamped: string[][]): Db {
  const chain = {
    set: () => chain,
    where: (col: string, _op: string, value: unknown) => {
      if (col === 'id') stamped.push(value as string[]);
      return chain;
    },
    execute: async () => [],
  };
  return { updateTable: () => chain } as unknown as Db;
}

describe('EventHub', () => {
  it('runs once-listeners in their declared order after every-node delivery; a failing one is logged and the rest still run', async () => {
    const order: string[] = [];
    const errors: string[] = [];
    const bus = new MemoryBus();
    const hub = new EventHub({ bus, db: stampingDb([]), log: { error: (o: { listener?: string }) => void errors.push(o.listener ?? '?'), warn: () => {} } });
    const listeners: Listener[] = [
      { name: 'delivery', scope: 'every-node', onMessage: () => void order.push('deliver') },
      { name: 'throws', scope: 'once', onMessage: () => { throw new Error('sync'); } },
      { name: 'rejects', scope: 'once', onMessage: async () => { throw new Error('async'); } },
      { name: 'first', scope: 'once', onMessage: (m) => void order.push(`first ${m.text}`) },
      { name: 'second', scope: 'once', onMessage: (m) => void order.push(`second ${m.text}`) },
    ];
    hub.register(listeners);
    hub.messageStored(message, facts, { postMessage: async () => message });
    order.push('after publish');
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['deliver', 'after publish', 'first 你好', 'second 你好']);
    expect(errors.sort()).toEqual(['rejects', 'throws']);
  });

  it('handles an event id once per node, and stamps the events as published after the once-listeners ran', async () => {
    const seen: string[] = [];
    const stamped: string[][] = [];
    const bus = new MemoryBus();
    const hub = new EventHub({ bus, db: stampingDb(stamped), log: { error: () => {}, warn: () => {} } });
    hub.register([
      { name: 'cache', scope: 'every-node', on: { 'chat.created': (e) => void seen.push(`node ${e.id}`) } },
      { name: 'desk', scope: 'once', on: { 'chat.created': async (e) => void seen.push(`once ${e.id}`) } },
    ]);
    await hub.committed([created('e1')], null);
    // The relay publishing the same event again (its node died before stamping) changes nothing here.
    await hub.relayed([created('e1')], async () => null);
    await hub.committed([created('e2')], null);
    expect(seen).toEqual(['node e1', 'once e1', 'node e2', 'once e2']);
    expect(stamped).toEqual([['e1'], ['e1'], ['e2']]);
  });
});
