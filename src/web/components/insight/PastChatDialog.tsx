/** One of the member's earlier chats, read-only, in a modal dialog (GET /api/members/:id/chats/:chatId/messages). */
import { useEffect, useId, useRef, useState } from 'react';
import { ApiError, type MemberChatSummary } from '../../../client/api';
import type { MessageDto } from '../../../shared/protocol';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { Bubble } from '../Bubble';

/** Shows the history of `chat` (of member `memberId`); pages older messages on request. */
export function PastChatDialog({ memberId, chat, onClose }: { memberId: string; chat: MemberChatSummary; onClose(): void }) {
  const { api, me } = useSession();
  const { t, errorText } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [messages, setMessages] = useState<MessageDto[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fail = (err: unknown) => setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.showModal();
    api.memberHistory(memberId, chat.id).then((page) => {
      setMessages(page.messages);
      setHasMore(page.hasMore);
    }, fail);
    // As in TransferDialog: no dialog.close() on cleanup; removing the element ends the modal.
    return () => opener?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, memberId, chat.id]);

  const older = () =>
    api.memberHistory(memberId, chat.id, messages[0]?.seq ?? null).then((page) => {
      setMessages((m) => [...page.messages.filter((x) => !m.some((y) => y.id === x.id)), ...m]);
      setHasMore(page.hasMore);
    }, fail);

  const topic = chat.topic ?? t('chat.untitled');
  return (
    <dialog ref={ref} className="dialog past-chat" aria-labelledby={titleId} onClose={onClose} data-testid="past-chat">
      <h2 id={titleId}>{t('iu.prev.title', { topic })}</h2>
      {error && <p className="alert" role="alert">{error}</p>}
      <ol className="messages" aria-label={t('chat.history')} tabIndex={0} data-testid="past-messages">
        {hasMore && (
          <li className="load-older">
            <button type="button" onClick={() => void older()}>{t('chat.loadOlder')}</button>
          </li>
        )}
        {messages.map((m) => (
          <Bubble key={m.id} message={m} mine={m.senderId === me.id} />
        ))}
      </ol>
      <p className="notice">{t('chat.readOnly')}</p>
      <div className="dialog-actions">
        <button type="button" className="btn-secondary" onClick={onClose} autoFocus>
          {t('iu.prev.close')}
        </button>
      </div>
    </dialog>
  );
}
