/**
 * The member beside an agent's chat: name, role and tier, merit level and 三寶 certification, the
 * member's mood (sentiment, staff only), and the member's earlier chats (GET /api/members/:id/chats), each viewable read-only.
 */
import { useEffect, useState } from 'react';
import type { MemberChatSummary } from '../../client/api';
import type { ChatDto } from '../../shared/protocol';
import { useI18n } from '../i18n';
import { useSession, useStore } from '../session';
import { MoodBadge } from './insight/Mood';
import { fetchStanding, type MemberStanding } from './members/membersApi';
import './members/members.css';
import { PastChatDialog } from './insight/PastChatDialog';

/** Side panel for the open chat's member. */
export function MemberPanel({ chat }: { chat: ChatDto }) {
  const store = useStore();
  const { api } = useSession();
  const { t, locale } = useI18n();
  const [fetched, setFetched] = useState<MemberChatSummary[] | null>(null);
  const [viewing, setViewing] = useState<MemberChatSummary | null>(null);
  const [standing, setStanding] = useState<MemberStanding | null>(null);

  useEffect(() => {
    let live = true;
    setFetched(null);
    // Refused once the agent no longer serves the member (e.g. the chat closed): fall back below.
    api.memberChats(chat.memberId).then((list) => live && setFetched(list), () => {});
    setStanding(null);
    fetchStanding(api, chat.memberId).then((s) => live && setStanding(s), () => {});
    return () => void (live = false);
  }, [api, chat.memberId, chat.id]);

  // Until the list arrives (or if it is refused), the chats this client already knows.
  const known: MemberChatSummary[] = [...store.views.values()]
    .map((v) => v.chat)
    .filter((c) => c.memberId === chat.memberId)
    .map((c) => ({ id: c.id, topic: c.topic, status: c.status, createdAt: c.createdAt, closedAt: c.closedAt, assigneeName: c.assigneeName ?? null }));
  const previous = (fetched ?? known).filter((c) => c.id !== chat.id).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const mood = store.mood(chat.id);
  return (
    <aside className="member-panel" aria-label={t('desk.memberPanel')} data-testid="member-panel">
      <h2>
        {chat.memberName ?? t('role.member')} {standing?.certified && <span className="mb-mark" data-testid="certified-mark">{t('mb.cert.mark')}</span>}
      </h2>
      <dl>
        <dt>{t('desk.role')}</dt>
        <dd>{t('role.member')}</dd>
        {chat.memberTier && (
          <>
            <dt>{t('desk.tier')}</dt>
            <dd>{t(`tier.${chat.memberTier}` as 'tier.regular')}</dd>
          </>
        )}
        {standing && (
          <>
            <dt>{t('mb.panel.level')}</dt>
            <dd data-testid="member-level">
              {standing.merit.level.name[locale]} · {standing.merit.total}
            </dd>
            <dt>{t('mb.panel.certified')}</dt>
            <dd data-testid="member-certified">{standing.certified ? t('mb.cert.mark') : t('mb.panel.notCertified')}</dd>
          </>
        )}
        <dt>{t('desk.topic')}</dt>
        <dd>{chat.topic ?? t('chat.untitled')}</dd>
        <dt>{t('desk.since')}</dt>
        <dd>{date.format(new Date(chat.createdAt))}</dd>
        <dt>{t('iu.mood.latest')}</dt>
        <dd data-testid="mood-latest">{mood ? <MoodBadge score={mood.latest} withScore /> : <span className="muted">{t('iu.mood.none')}</span>}</dd>
        {mood && (
          <>
            <dt>{t('iu.mood.lowest')}</dt>
            <dd data-testid="mood-lowest">
              <MoodBadge score={mood.lowest} withScore />
            </dd>
          </>
        )}
      </dl>
      <h3>{t('desk.previousChats')}</h3>
      {previous.length ? (
        <ul className="previous" data-testid="previous-chats">
          {previous.map((c) => (
            <li key={c.id} data-testid="previous-chat" data-chat-id={c.id}>
              <span>{c.topic ?? t('chat.untitled')}</span>
              <span className="muted">
                {date.format(new Date(c.createdAt))} · {t(`status.${c.status}`)}
                {c.assigneeName && ` · ${t('iu.prev.servedBy', { name: c.assigneeName })}`}
              </span>
              {fetched && c.status === 'closed' && (
                <button type="button" className="btn-link" onClick={() => setViewing(c)} aria-label={t('iu.prev.viewOf', { topic: c.topic ?? t('chat.untitled') })} data-testid="previous-view">
                  {t('iu.prev.view')}
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('desk.noPrevious')}</p>
      )}
      {viewing && <PastChatDialog memberId={chat.memberId} chat={viewing} onClose={() => setViewing(null)} />}
    </aside>
  );
}
