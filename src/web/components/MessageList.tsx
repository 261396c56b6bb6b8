/**
 * The scrolling history of a chat: older pages load when the user scrolls to the top (or presses
 * the button), the view sticks to the bottom as messages arrive, and a "new messages" button
 * appears when the user has scrolled away.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { useSession, useStore } from '../session';
import { Bubble } from './Bubble';

/** Messages of one chat, including my unacked ones. */
export function MessageList({ chatId, readOnly }: { chatId: string; readOnly: boolean }) {
  const store = useStore();
  const { me } = useSession();
  const { t } = useI18n();
  const view = store.views.get(chatId);
  const ref = useRef<HTMLOListElement>(null);
  const anchor = useRef<number | null>(null);
  const [atBottom, setAtBottom] = useState(true);
  const messages = view?.messages ?? [];
  const pending = store.pending(chatId);
  const firstId = messages[0]?.id;
  const lastKey = `${messages.at(-1)?.id}:${pending.length}:${pending.at(-1)?.id}`;

  const loadOlder = () => {
    const el = ref.current;
    if (!el || !view?.hasMore || view.loadingOlder) return;
    anchor.current = el.scrollHeight - el.scrollTop;
    void store.loadOlder(chatId).catch(() => (anchor.current = null));
  };

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (bottom !== atBottom) setAtBottom(bottom);
    if (el.scrollTop < 60) loadOlder();
  };

  // Older page prepended: keep the message the user was looking at in place.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && anchor.current !== null) {
      el.scrollTop = el.scrollHeight - anchor.current;
      anchor.current = null;
    }
  }, [firstId]);

  // New message at the end: follow it if the user was at the bottom or wrote it.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const lastMine = pending.length > 0 || messages.at(-1)?.senderId === me.id;
    if (atBottom || lastMine) el.scrollTop = el.scrollHeight;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastKey, view?.loaded]);

  // Reading: when the newest message is in view and the page is visible.
  useEffect(() => {
    if (readOnly || !atBottom || !view?.loaded) return;
    const mark = () => document.visibilityState === 'visible' && store.markRead(chatId);
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [lastKey, atBottom, readOnly, view?.loaded, chatId, store, store.conn.state]);

  const unread = store.unread(chatId);
  const scrollDown = () => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
    setAtBottom(true);
  };

  return (
    <div className="message-area">
      <ol ref={ref} className="messages" onScroll={onScroll} role="log" aria-live="polite" aria-relevant="additions" aria-label={t('chat.history')} tabIndex={0} data-testid="messages">
        {view?.hasMore && (
          <li className="load-older">
            <button type="button" onClick={loadOlder} disabled={view.loadingOlder}>
              {view.loadingOlder ? t('app.loading') : t('chat.loadOlder')}
            </button>
          </li>
        )}
        {view?.loaded && !view.hasMore && messages.length > 0 && <li className="history-start">{t('chat.historyStart')}</li>}
        {messages.map((m) => (
          <Bubble key={m.id} message={m} mine={m.senderId === me.id} state={m.senderId === me.id ? store.stateOf(m) : undefined} />
        ))}
        {pending.map((p) => (
          <Bubble key={p.id} message={{ kind: 'text', senderRole: me.role, senderName: me.name, text: p.text, attachments: p.attachments, createdAt: new Date().toISOString() }} mine state={p.state} />
        ))}
      </ol>
      {!atBottom && unread > 0 && (
        <button type="button" className="new-messages" onClick={scrollDown} data-testid="new-messages">
          {t('chat.newMessages', { n: unread })} ↓
        </button>
      )}
    </div>
  );
}
