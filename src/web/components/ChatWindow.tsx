/** A chat: status line, history, typing indicator, and the composer (or the closed state). */
import { useEffect, useState, type ReactNode } from 'react';
import { ApiError } from '../../client/api';
import type { Refusal } from '../../client/store';
import type { ChatDto } from '../../shared/protocol';
import { useI18n } from '../i18n';
import { useStore } from '../session';
import { Composer } from './Composer';
import { CitationRefusal } from './dharma/CitationNotice';
import { MessageList } from './MessageList';
import { AttestationBadge } from './trust/AttestationBadge';

export type ChatMode = 'member' | 'staff' | 'readonly';

/** Where a chat stands, in words for the member or the agent. */
export function ChatStatus({ chat, mode }: { chat: ChatDto; mode: ChatMode }) {
  const { t } = useI18n();
  if (chat.status === 'closed') return <p className="status status-closed" data-testid="chat-status" data-status="closed">{t('chat.closed')}</p>;
  if (chat.status === 'open') {
    return (
      <p className="status status-open" data-testid="chat-status" data-status="open">
        {mode === 'member' ? t('chat.servedBy', { name: chat.assigneeName ?? t('role.agent') }) : t('chat.openWith', { name: chat.memberName ?? t('role.member') })}
      </p>
    );
  }
  const minutes = chat.waitEstimateSeconds != null ? Math.max(1, Math.round(chat.waitEstimateSeconds / 60)) : null;
  return (
    <div className="status status-pending" data-testid="chat-status" data-status="pending">
      {chat.offDuty ? <p>{t('queue.offDuty')}</p> : chat.nobodyAvailable ? <p data-testid="nobody-available">{t('sv.wait.nobody')}</p> : <p>{t('queue.waiting')}</p>}
      <p>
        {chat.queuePosition != null && <span data-testid="queue-position">{t('queue.position', { n: chat.queuePosition })}</span>}
        {minutes != null && !chat.offDuty && !chat.nobodyAvailable && <span data-testid="wait-estimate"> · {t('queue.estimate', { minutes })}</span>}
      </p>
    </div>
  );
}

/** The whole chat window for one chat. */
export function ChatWindow({ chatId, mode, footer, autoFocus }: { chatId: string; mode: ChatMode; footer?: ReactNode; autoFocus?: boolean }) {
  const store = useStore();
  const { t, errorText } = useI18n();
  const [error, setError] = useState<string | null>(null);
  // The last refusal, kept here too: if the chat closed meanwhile there is no composer to hold it.
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const view = store.views.get(chatId);
  useEffect(() => store.onRefusal((r) => r.chatId === chatId && setRefusal(r)), [store, chatId]);

  useEffect(() => {
    setError(null);
    store.load(chatId).catch((err) => setError(err instanceof ApiError ? errorText(err.code) : t('error.network')));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [chatId, store]);

  const typing = store.typingIn(chatId);
  const closed = view?.chat.status === 'closed';
  return (
    <section className={`chat-window mode-${mode}`} aria-label={view?.chat.topic ?? t('chat.untitled')} data-testid="chat-window" data-chat-id={chatId}>
      {view && <ChatStatus chat={view.chat} mode={mode} />}
      {mode !== 'member' && <AttestationBadge chatId={chatId} />}
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      <MessageList chatId={chatId} readOnly={mode === 'readonly'} />
      <p className="typing" aria-live="polite" data-testid="typing">
        {typing ? t('chat.typing') : ''}
      </p>
      {mode === 'readonly' ? (
        <p className="notice">{t('chat.readOnly')}</p>
      ) : closed ? (
        <>
          {refusal && (
            <div className="alert" role="alert" data-testid="unsent">
              <p>{errorText(refusal.code, refusal.details)}</p>
              {refusal.code === 'unverified_citation' && <CitationRefusal details={refusal.details} />}
              <p>
                {t('chat.unsent')} <q className="unsent-text">{refusal.text}</q>
              </p>
            </div>
          )}
          {footer ?? <p className="notice">{t('chat.closed')}</p>}
        </>
      ) : (
        <Composer chatId={chatId} autoFocus={autoFocus} staff={mode === 'staff'} />
      )}
    </section>
  );
}
