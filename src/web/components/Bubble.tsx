/** One message: sender name and role, text, attachments, time, and my delivery state. */
import type { AttachmentDto, MessageDto } from '../../shared/protocol';
import { renderSystemLine } from '../../shared/system-lines';
import type { DeliveryState } from '../../client/store';
import { useI18n } from '../i18n';
import { Attachments } from './Attachments';
import { MessageMarks } from './dharma/CitationNotice';
import { senderRoleKey } from './format';

interface BubbleProps {
  message: Pick<MessageDto, 'kind' | 'senderRole' | 'senderName' | 'text' | 'createdAt' | 'flags' | 'code' | 'params'> & { seq?: number; attachments: AttachmentDto[] };
  mine: boolean;
  state?: DeliveryState;
}

/** A chat bubble (system notes are centred lines). */
export function Bubble({ message: m, mine, state }: BubbleProps) {
  const { t, time, locale } = useI18n();
  if (m.kind === 'system') {
    // A coded line in the reader's language; free text (or a code this build lacks) as stored.
    const line = m.code ? renderSystemLine(locale, m.code, m.params) : null;
    return (
      <li className="msg msg-system" data-seq={m.seq} data-code={m.code} data-testid="system-line">
        <span className="sr-only">{t('role.system')}: </span>
        {line ?? m.text}
        <time dateTime={m.createdAt}> · {time(m.createdAt)}</time>
      </li>
    );
  }
  const roleKey = senderRoleKey(m);
  return (
    <li className={`msg ${mine ? 'msg-mine' : 'msg-theirs'} kind-${m.kind} sender-${m.senderRole}`} data-seq={m.seq} data-testid="message">
      <div className="msg-meta">
        <span className="sender">{m.senderName}</span>
        <span className={`role-tag role-${m.kind === 'auto_reply' ? 'auto' : m.senderRole}`}>{t(roleKey)}</span>
      </div>
      <div className="bubble">
        {m.text && <p className="msg-text">{m.text}</p>}
        <Attachments items={m.attachments} />
      </div>
      {m.senderRole === 'member' && <MessageMarks flags={m.flags} />}
      <div className="msg-foot">
        <time dateTime={m.createdAt}>{time(m.createdAt)}</time>
        {mine && state && (
          <span className={`state state-${state}`} data-testid="delivery-state" data-state={state}>
            {t(`state.${state}`)}
          </span>
        )}
      </div>
    </li>
  );
}
