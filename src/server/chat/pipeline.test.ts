import { describe, expect, it } from 'vitest';
import type { MessageDto } from '../../shared/protocol';
import type { AppendItem, AppendResult, MessageStore } from './message-store';
import { MessagePipeline } from './pipeline';

const stored = (item: AppendItem): AppendResult => ({
  duplicate: false,
  chat: { memberId: 'm', assigneeId: 'a', status: 'open' },
  message: { id: 'id-1', chatId: item.chatId, seq: 1, senderId: item.senderId, senderRole: 'member', senderName: item.senderName, kind: 'text', text: item.text, attachments: [], createdAt: new Date().toISOString() } as MessageDto,
});

describe('MessagePipeline reactions', () => {
  it('run after the ack and the publish; one that throws or rejects is logged and the others still run', async () => {
    const order: string[] = [];
    const errors: string[] = [];
    const store = { append: async (item: AppendItem) => stored(item) } as unknown as MessageStore;
    const events = { message: () => order.push('publish') };
    const pipeline = new MessagePipeline(null as never, store, null as never, events as never, { error: (o: any) => errors.push(o.reaction) });
    pipeline.addReaction({ name: 'throws', afterStored: () => { throw new Error('sync'); } });
    pipeline.addReaction({ name: 'rejects', afterStored: async () => { throw new Error('async'); } });
    pipeline.addReaction({ name: 'runs', afterStored: (m) => void order.push(`react ${m.text}`) });
    const item: AppendItem = { chatId: 'c', senderId: 'm', senderRole: 'member', senderName: 'x', kind: 'text', text: '你好', clientId: 'k', attachments: [], flags: [], requireOpen: true };
    await pipeline.commit(item, () => order.push('ack'));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['ack', 'publish', 'react 你好']);
    expect(errors.sort()).toEqual(['rejects', 'throws']);
  });
});
