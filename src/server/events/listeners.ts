/**
 * Every listener of the event hub, in the order it runs. This list is the one place that says
 * what reacts to a change; a new feature (audit, webhooks, attestation, merit levels…) adds its
 * listener here.
 *
 * Every node, for each event: the per-node caches first (so a frame the delivery sends is
 * already reflected in the access checks of the next request), then delivery to this node's
 * sockets, then in-memory state of other domains.
 *
 * Once per event in the cluster, in this order: the desk (routing, urgency, assignment, queue
 * positions, dashboard) before the Dharma and insight reactions, so a chat is in its queue before
 * an automatic reply is considered; merit on close; a certified member's waiting chat re-weighed;
 * webhooks last (they only record deliveries).
 */
import type { ChatFacts } from '../../shared/bus-events';
import type { MessageDto } from '../../shared/protocol';
import type { Reaction, ReactionContext } from '../chat/pipeline-types';
import type { EventHub, Listener } from './hub';

/** The listeners each domain offers, by name. */
export interface DomainListeners {
  factsCache: Listener;
  delivery: Listener;
  typingMemory: Listener;
  statistics: Listener;
  desk: Listener;
  deskActivity: Reaction;
  dharmaReviews: Reaction;
  dharmaAutoReplies: Reaction;
  distress: Reaction;
  sentimentQueue: Reaction;
  merit: Listener;
  webhooks: Listener;
  searchIndex: Listener;
  membersPriority: Listener;
  /** Staff actions into the audit log; distress chats attested at close (trust/trust.ts). */
  trust: Listener;
}

/** Declares the hub's listeners in their order (see the file comment for why this order). */
export function declareListeners(hub: EventHub, l: DomainListeners): void {
  hub.register([
    // every node
    l.factsCache,
    l.delivery,
    l.typingMemory,
    // once per event
    l.statistics,
    l.desk,
    reactionListener(l.deskActivity),
    reactionListener(l.dharmaReviews),
    reactionListener(l.dharmaAutoReplies),
    reactionListener(l.distress),
    reactionListener(l.sentimentQueue),
    l.merit,
    l.webhooks,
    l.searchIndex,
    l.membersPriority,
    l.trust,
  ]);
}

/**
 * A reaction to people's messages as a once-listener. Automatic replies and system lines are not
 * reacted to: a reply answering a reply could never end.
 */
export function reactionListener(reaction: Reaction): Listener {
  return {
    name: reaction.name,
    scope: 'once',
    onMessage: (message: MessageDto, _chat: ChatFacts, ctx: ReactionContext) => (message.kind === 'text' ? reaction.afterStored(message, ctx) : undefined),
  };
}
