/**
 * What happens when a member's message signals distress: the chat goes to the top of the queue,
 * supervisors, the assignee and the masters on duty get an `alert` frame at once, and the member
 * gets a caring automatic reply with the configured help lines (once per chat, never a refusal).
 *
 * It runs as a pipeline reaction, right after the message is stored and delivered: detection is a
 * few microseconds of pure code, so it does not need a queue, and it must not wait behind a
 * backlog of sentiment jobs or on a worker process being up. It is off the ack path. The analysis
 * worker calls `backstop` for the same message later, with the bus's retries: if the reaction
 * never ran (its node died right after the commit), the chat is raised then.
 */
import type { MessageDto } from '../../shared/protocol';
import type { AlertFrame } from '../../shared/frames';
import type { EventHub } from '../events/hub';
import type { Reaction, ReactionContext } from '../chat/pipeline-types';
import type { Db } from '../db/database';
import type { Clock } from '../core/clock';
import type { Desk } from '../desk/desk';
import { onDutySql } from '../desk/schedule';
import { detectDistress, type DistressFinding } from './distress';
import { caringReply, type HelplineStore } from './helplines';
import { looksSimplified } from '../lib/chinese-script';

export interface DistressDeps {
  db: Db;
  hub: EventHub;
  desk: Desk;
  helplines: HelplineStore;
  clock: Clock;
  timezone: string;
}

/** The additive `alert` frame (docs/PROTOCOL.md). */
export type DistressAlert = AlertFrame;

/** What distress handling needs of a message (a stored message, or a scored job's payload). */
export interface DistressMessage {
  id: string;
  chatId: string;
  text: string;
  senderRole: MessageDto['senderRole'];
}

/** Posts an automatic reply into a chat (the pipeline's postAutomatic). */
export type PostAutomatic = ReactionContext['postMessage'];

export class DistressResponder implements Reaction {
  readonly name = 'insight.distress';
  constructor(private readonly deps: DistressDeps) {}

  /** Pipeline hook: member text messages only. */
  async afterStored(message: MessageDto, ctx: ReactionContext): Promise<void> {
    if (message.senderRole !== 'member' || message.kind !== 'text') return;
    const finding = detectDistress(message.text);
    if (finding.distress) await this.respond(message, finding, ctx.postMessage, true);
  }

  /**
   * The worker's second chance for a scored member message: acts only if the chat is not yet
   * marked (the reaction did not run), so a working reaction is never doubled.
   */
  async backstop(message: DistressMessage, post: PostAutomatic): Promise<void> {
    if (message.senderRole !== 'member') return;
    const finding = detectDistress(message.text);
    if (finding.distress) await this.respond(message, finding, post, false);
  }

  /**
   * Raises the chat, alerts the people who can help, and replies to the member the first time.
   * `alwaysAlert`: the reaction alerts for every distress message; the backstop only when it is
   * the one that marks the chat.
   */
  private async respond(message: DistressMessage, finding: DistressFinding, post: PostAutomatic, alwaysAlert: boolean): Promise<void> {
    // Claiming the mark atomically decides which message of the chat gets the caring reply, even
    // when several distress messages are stored at once (on one node or several).
    const first = await this.deps.desk.markDistress(message.chatId, message.id);
    if (!first && !alwaysAlert) return;
    await this.alert(message, finding);
    if (first) {
      const settings = await this.deps.helplines.get();
      await post({ chatId: message.chatId, kind: 'auto_reply', text: caringReply(settings, looksSimplified(message.text)) });
    }
  }

  private async alert(message: DistressMessage, finding: DistressFinding): Promise<void> {
    const { db, clock, timezone } = this.deps;
    const chat = await db
      .selectFrom('chats as c')
      .innerJoin('users as m', 'm.id', 'c.member_id')
      .select(['c.member_id', 'c.customer_service_id', 'm.name'])
      .where('c.id', '=', message.chatId)
      .executeTakeFirst();
    const masters = await db
      .selectFrom('users as u')
      .select('u.id')
      .where('u.role', '=', 'master')
      .where(onDutySql(clock.now(), timezone))
      .execute();
    const userIds = new Set(masters.map((m) => m.id));
    if (chat?.customer_service_id) userIds.add(chat.customer_service_id);
    const frame: DistressAlert = {
      type: 'alert',
      kind: 'distress',
      chatId: message.chatId,
      messageId: message.id,
      memberId: chat?.member_id ?? null,
      memberName: chat?.name ?? '',
      excerpt: [...message.text].slice(0, 200).join(''),
      phrases: finding.phrases,
      at: clock.now().toISOString(),
    };
    this.deps.hub.signal({ userIds: [...userIds], roles: ['supervisor', 'admin'] }, frame);
  }
}
