/**
 * Delivery: the every-node listener that turns events into frames for this node's sockets. It is
 * the one place that decides who receives what (audience.ts) and in which view: members get the
 * member view (no staff marks, no desk assessment, no notes), staff the full one. Each frame is
 * serialised once per view, whatever the number of recipients.
 */
import type { ChatFacts, RecordedEvent } from '../../shared/bus-events';
import type { SignalFrame } from '../../shared/frames';
import type { ChatDto, MessageDto } from '../../shared/protocol';
import type { Audience } from '../../shared/bus-events';
import type { Listener } from '../events/hub';
import { chatAudience, chatChangeAudience } from './audience';
import type { Connection } from './connection';
import type { ConnectionRegistry } from './connection-registry';
import { memberChatView, memberView } from './presenters';

/** Builds the delivery listener over this node's connection registry. */
export function deliveryListener(registry: ConnectionRegistry<Connection>): Listener {
  const chatChanged = (event: RecordedEvent, chat: ChatDto | null) => {
    if (chat) deliverChat(registry, chat, changeAudienceOf(event, chat));
  };
  return {
    name: 'delivery',
    scope: 'every-node',
    on: {
      'chat.created': chatChanged,
      'chat.assigned': chatChanged,
      'chat.transferred': chatChanged,
      'chat.requeued': chatChanged,
      'chat.closed': chatChanged,
      'chat.queued': chatChanged,
      'distress.raised': chatChanged,
      // Labels are staff notes: the staff view reaches staff who see the chat; members hear nothing.
      'chat.labeled': (event, chat) => {
        if (chat) deliverChat(registry, chat, changeAudienceOf(event, chat), { staffOnly: true });
      },
    },
    onMessage: (message, chat) => deliverMessage(registry, message, chat),
    onSignal: (audience, frame, background) => deliverSignal(registry, audience, frame, background),
    onQueuePosition: (chat) => {
      const frame = Buffer.from(JSON.stringify({ type: 'chat', chat: memberChatView(chat) }));
      for (const conn of registry.ofUser(chat.memberId)) if (conn.role === 'member') conn.send(frame);
    },
  };
}

/** Who hears of a chat change: the people it concerns, and everyone whose queue view it changes. */
function changeAudienceOf(event: RecordedEvent, chat: ChatDto): Audience {
  const facts: ChatFacts = { memberId: chat.memberId, assigneeId: chat.assigneeId, status: chat.status };
  switch (event.type) {
    case 'chat.transferred':
      return chatChangeAudience(facts, { previousAssigneeId: event.data.fromAssigneeId, queueChanged: true });
    case 'chat.requeued':
      return chatChangeAudience(facts, { previousAssigneeId: event.data.previousAssigneeId, queueChanged: true });
    case 'chat.closed':
      // A chat closed while it waited leaves the queue; one closed while served does not touch it.
      return chatChangeAudience(facts, { queueChanged: event.data.assigneeId === null });
    case 'chat.queued':
    case 'chat.labeled':
    case 'distress.raised':
      // Agents and masters see the mark and the new order only while the chat waits.
      return chatChangeAudience(facts, { queueChanged: chat.status === 'pending' });
    default:
      return chatChangeAudience(facts, { queueChanged: true });
  }
}

function deliverMessage(registry: ConnectionRegistry<Connection>, message: MessageDto, chat: ChatFacts): void {
  let staff: Buffer | null = null;
  let member: Buffer | null = null;
  for (const conn of registry.match(chatAudience(chat))) {
    let frame: Buffer;
    if (conn.role === 'member') {
      const view = memberView(message);
      frame = member ??= view === message && staff ? staff : Buffer.from(JSON.stringify({ type: 'message', message: view }));
    } else {
      frame = staff ??= Buffer.from(JSON.stringify({ type: 'message', message }));
    }
    conn.deliver(message.chatId, message.seq, frame);
  }
}

function deliverChat(registry: ConnectionRegistry<Connection>, chat: ChatDto, audience: Audience, opts: { staffOnly?: boolean } = {}): void {
  let staff: Buffer | null = null;
  let member: Buffer | null = null;
  for (const conn of registry.match(audience)) {
    if (conn.role === 'member') {
      if (opts.staffOnly) continue;
      conn.send((member ??= Buffer.from(JSON.stringify({ type: 'chat', chat: memberChatView(chat) }))));
    } else conn.send((staff ??= Buffer.from(JSON.stringify({ type: 'chat', chat }))));
  }
}

function deliverSignal(registry: ConnectionRegistry<Connection>, audience: Audience, frame: SignalFrame, background: boolean): void {
  let buffer: Buffer | null = null;
  for (const conn of registry.match(audience)) {
    // Notes and moods are about the member: staff only, whatever the audience says.
    if (conn.role === 'member' && STAFF_ONLY.has(frame.type)) continue;
    buffer ??= Buffer.from(JSON.stringify(frame));
    if (background) conn.sendBackground(buffer);
    else conn.send(buffer);
  }
}

const STAFF_ONLY = new Set<SignalFrame['type']>(['note', 'sentiment', 'alert', 'desk', 'webhook.disabled']);
