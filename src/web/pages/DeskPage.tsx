/** The agent workstation: the live queue, my chats as tabs, the chat, the member, transfer, close. */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { ApiError } from '../../client/api';
import type { DistressAlert } from '../../client/store';
import type { ChatDto } from '../../shared/protocol';
import { ChatWindow } from '../components/ChatWindow';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { DistressAlerts } from '../components/insight/DistressAlerts';
import { MoodBadge } from '../components/insight/Mood';
import { MemberPanel } from '../components/MemberPanel';
import { PresenceToggle } from '../components/PresenceToggle';
import { QueueList } from '../components/QueueList';
import { TransferDialog } from '../components/TransferDialog';
import { ChatLabels } from '../components/service/ChatLabels';
import { ChatNotes } from '../components/service/ChatNotes';
import { LabelFilter } from '../components/service/LabelFilter';
import { SearchBox } from '../components/service/SearchBox';
import { useI18n } from '../i18n';
import { useSession, useStore } from '../session';

/** Agents' and masters' desk. */
export function DeskPage() {
  const store = useStore();
  const { api, me } = useSession();
  const { t, errorText } = useI18n();
  const [active, setActive] = useState<string | null>(null);
  const [kept, setKept] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState<string | null>(null);
  const [focusChat, setFocusChat] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [transferring, setTransferring] = useState<ChatDto | null>(null);
  const [labelFilter, setLabelFilter] = useState<string | null>(null);
  const tabRefs = useRef(new Map<string, HTMLButtonElement>());

  useEffect(() => {
    store
      .refresh()
      .then((chats) => {
        const mine = chats.filter((c) => c.status === 'open' && c.assigneeId === me.id);
        for (const c of mine) void store.load(c.id).catch(() => {});
        setKept(new Set(mine.map((c) => c.id)));
        setActive((a) => a ?? mine[0]?.id ?? null);
      })
      .catch((err) => setError(err instanceof ApiError ? errorText(err.code) : t('error.network')));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, me.id]);

  const all = [...store.views.values()].map((v) => v.chat);
  const waiting = all.filter((c) => c.status === 'pending');
  const queue = waiting.filter((c) => !labelFilter || (c.labels ?? []).includes(labelFilter)).sort((a, b) => (a.queuePosition ?? 1e9) - (b.queuePosition ?? 1e9) || a.createdAt.localeCompare(b.createdAt));
  // My tabs: chats I hold, plus ones I held this session that closed or moved (until dismissed).
  const tabs = all.filter((c) => (c.status === 'open' && c.assigneeId === me.id) || kept.has(c.id));

  // eslint-disable-next-line react-hooks/exhaustive-deps -- runs after every render on purpose: it adds only chats not yet kept, so it settles
  useEffect(() => {
    // A chat assigned to me by the desk (auto-assignment, a transfer) opens as a tab too.
    const fresh = all.filter((c) => c.status === 'open' && c.assigneeId === me.id && !kept.has(c.id));
    if (fresh.length) {
      setKept((k) => new Set([...k, ...fresh.map((c) => c.id)]));
      for (const c of fresh) void store.load(c.id).catch(() => {});
      setActive((a) => a ?? fresh[0].id);
    }
  });

  const accept = async (chat: ChatDto) => {
    setBusy(chat.id);
    setError(null);
    try {
      const taken = await api.accept(chat.id);
      store.upsert(taken);
      setKept((k) => new Set([...k, taken.id]));
      await store.load(taken.id);
      setActive(taken.id);
      setFocusChat(taken.id);
    } catch (err) {
      setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));
      void store.refresh().catch(() => {});
    } finally {
      setBusy(null);
    }
  };

  const closeChat = async (chat: ChatDto) => {
    setError(null);
    try {
      store.upsert(await api.close(chat.id));
    } catch (err) {
      setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));
    }
  };

  // A search hit opens its chat as a tab (read-only unless I hold it).
  const openChat = async (chatId: string) => {
    setError(null);
    try {
      if (!store.views.has(chatId)) store.upsert(await api.chat(chatId));
      setKept((k) => new Set([...k, chatId]));
      setActive(chatId);
    } catch (err) {
      setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));
    }
  };

  // A distress alert: the chat opens as a tab (read-only unless I hold it); masters on shift may be
  // alerted about a chat someone else holds, which they cannot open: the refusal says so.
  const openAlert = async (alert: DistressAlert) => {
    setError(null);
    try {
      if (!store.views.has(alert.chatId)) store.upsert(await api.chat(alert.chatId));
      setKept((k) => new Set([...k, alert.chatId]));
      setActive(alert.chatId);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'not_found') setError(t('iu.alert.heldByOther'));
      else setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));
    }
  };

  const dismiss = (id: string) => {
    setKept((k) => new Set([...k].filter((x) => x !== id)));
    if (active === id) setActive(tabs.find((c) => c.id !== id)?.id ?? null);
  };

  // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
  const onTabKey = (e: KeyboardEvent, index: number) => {
    const next = e.key === 'ArrowRight' ? index + 1 : e.key === 'ArrowLeft' ? index - 1 : null;
    if (next === null || !tabs.length) return;
    const chat = tabs[(next + tabs.length) % tabs.length];
    setActive(chat.id);
    tabRefs.current.get(chat.id)?.focus();
  };

  const current = tabs.find((c) => c.id === active) ?? null;
  return (
    <div className="desk">
      <ConnectionBanner />
      <aside className="desk-side" aria-label={t('desk.queue')}>
        <PresenceToggle />
        <SearchBox onOpen={(r) => void openChat(r.chatId)} />
        <h2>
          {t('desk.queue')} <span className="count" data-testid="queue-count">{queue.length}</span>
        </h2>
        <LabelFilter chats={waiting} value={labelFilter} onChange={setLabelFilter} />
        <QueueList chats={queue} onAccept={(c) => void accept(c)} busy={busy} />
      </aside>
      <section className="desk-main" aria-label={t('desk.myChats')}>
        <DistressAlerts onOpen={(a) => void openAlert(a)} />
        {error && <p className="alert" role="alert">{error}</p>}
        <div role="tablist" aria-label={t('desk.myChats')} className="tabs" data-testid="tabs">
          {tabs.map((c, i) => {
            const unread = c.id === active ? 0 : store.unread(c.id);
            const mood = store.mood(c.id);
            return (
              <button
                key={c.id}
                ref={(el) => void (el ? tabRefs.current.set(c.id, el) : tabRefs.current.delete(c.id))}
                role="tab"
                id={`tab-${c.id}`}
                aria-selected={c.id === active}
                aria-controls={`panel-${c.id}`}
                tabIndex={c.id === active ? 0 : -1}
                className={`tab ${c.status !== 'open' ? 'tab-closed' : ''}`}
                onClick={() => setActive(c.id)}
                onKeyDown={(e) => onTabKey(e, i)}
                data-testid="tab"
              >
                {c.memberName ?? t('role.member')}
                {mood && <MoodBadge score={mood.latest} testId="tab-mood" />}
                {c.distress && <span className="tag-distress">{t('desk.distress')}</span>}
                {unread > 0 && (
                  <span className="badge" aria-label={t('chat.unread', { n: unread })} data-testid="tab-unread">
                    {unread}
                  </span>
                )}
              </button>
            );
          })}
          {!tabs.length && <p className="empty">{t('desk.noChats')}</p>}
        </div>
        {current && (
          <div role="tabpanel" id={`panel-${current.id}`} aria-labelledby={`tab-${current.id}`} className="desk-panel">
            <div className="desk-chat">
              <div className="chat-actions">
                <h2 className="chat-title">{current.topic ?? t('chat.untitled')}</h2>
                {current.status === 'open' && current.assigneeId === me.id ? (
                  <>
                    <button type="button" className="btn-secondary" onClick={() => setTransferring(current)} data-testid="transfer">
                      {t('desk.transfer')}
                    </button>
                    <button type="button" className="btn-danger" onClick={() => void closeChat(current)} data-testid="close-chat">
                      {t('desk.close')}
                    </button>
                  </>
                ) : (
                  <button type="button" className="btn-secondary" onClick={() => dismiss(current.id)}>
                    {t('desk.dismiss')}
                  </button>
                )}
              </div>
              <ChatLabels chat={current} editable />
              <ChatWindow key={current.id} chatId={current.id} autoFocus={current.id === focusChat} mode={current.status === 'open' && current.assigneeId === me.id ? 'staff' : 'readonly'} />
            </div>
            <div className="desk-aside">
              <MemberPanel chat={current} />
              <ChatNotes chatId={current.id} />
            </div>
          </div>
        )}
      </section>
      {transferring && (
        <TransferDialog
          chat={transferring}
          onCancel={() => setTransferring(null)}
          onDone={(chat) => {
            store.upsert(chat);
            setTransferring(null);
          }}
        />
      )}
    </div>
  );
}
