/** The member's chat window (also the embedded widget): start a chat with a topic, then chat. */
import { DutyBanner } from '../components/duty/DutyBanner';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../client/api';
import { ChatWindow } from '../components/ChatWindow';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { MeritTotal } from '../components/dharma/MeritTotal';
import { postToParent } from '../embed-parent';
import { RatingPrompt } from '../components/service/RatingPrompt';
import { CertificationNotice } from '../components/members/CertificationNotice';
import { useI18n } from '../i18n';
import { useSession, useStore } from '../session';

const TOPICS = ['topic.order', 'topic.product', 'topic.dharma', 'topic.other'] as const;

/** Member home: the live chat, or the form to start one. */
export function MemberPage() {
  const store = useStore();
  const { api } = useSession();
  const { t, errorText } = useI18n();
  const [chatId, setChatId] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState(false);

  useEffect(() => {
    store
      .refresh()
      .then((chats) => {
        const live = chats.find((c) => c.status !== 'closed');
        setChatId(live?.id ?? chats[0]?.id ?? null);
      })
      .catch((err) => setError(err instanceof ApiError ? errorText(err.code) : t('error.network')))
      .finally(() => setReady(true));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store]);

  const view = chatId ? store.views.get(chatId) : undefined;
  const unread = chatId ? store.unread(chatId) : 0;
  useEffect(() => {
    // The unread count shows in the tab title and is told to a shop page that embeds us.
    document.title = unread > 0 ? `(${unread}) ${t('app.name')}` : t('app.name');
    postToParent({ type: 'lotusdesk:unread', count: unread });
  }, [unread, t]);

  const start = async (topic: string) => {
    setError(null);
    try {
      const chat = await api.openChat(topic || null);
      store.upsert(chat);
      setChatId(chat.id);
      setStarted(true);
    } catch (err) {
      setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));
    }
  };

  const showForm = ready && !view;
  return (
    <div className="member-page">
      <ConnectionBanner />
      <header className="member-head">
        <h1 className="member-title">
          {view?.chat.topic ?? t('member.title')}
          {unread > 0 && (
            <span className="badge" data-testid="unread-count" aria-label={t('chat.unread', { n: unread })}>
              {unread}
            </span>
          )}
        </h1>
      </header>
      <CertificationNotice />
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      <DutyBanner />
      {!ready && <p role="status">{t('app.loading')}</p>}
      {showForm && <StartForm onStart={start} />}
      {chatId && view && (
        <ChatWindow
          key={chatId}
          chatId={chatId}
          mode="member"
          autoFocus={started}
          footer={
            <div className="closed-footer">
              <p className="notice" data-testid="closed-notice">{t('member.closedThanks')}</p>
              <MeritTotal chatId={chatId} seq={view.chat.lastSeq} />
              <RatingPrompt chatId={chatId} />
              <button type="button" className="btn-primary" onClick={() => setChatId(null)}>
                {t('member.newChat')}
              </button>
            </div>
          }
        />
      )}
    </div>
  );
}

function StartForm({ onStart }: { onStart(topic: string): Promise<void> }) {
  const { t } = useI18n();
  const [topic, setTopic] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    await onStart(topic.trim());
    setBusy(false);
  };
  return (
    <form className="start-form" onSubmit={submit} data-testid="start-form">
      <h2>{t('member.greeting')}</h2>
      <p>{t('member.intro')}</p>
      <div className="topic-presets" role="group" aria-label={t('member.presets')}>
        {TOPICS.map((k) => (
          <button key={k} type="button" className={topic === t(k) ? 'chip chip-on' : 'chip'} aria-pressed={topic === t(k)} onClick={() => setTopic(t(k))}>
            {t(k)}
          </button>
        ))}
      </div>
      <label htmlFor={id}>{t('member.topic')}</label>
      <input id={id} value={topic} onChange={(e) => setTopic(e.target.value)} maxLength={200} placeholder={t('member.topicPlaceholder')} data-testid="topic-input" />
      <button type="submit" className="btn-primary" disabled={busy} data-testid="start-chat">
        {t('member.start')}
      </button>
    </form>
  );
}
