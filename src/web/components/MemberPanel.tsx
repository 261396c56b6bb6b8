/** The member beside an agent's chat: name, role and tier, and previous chats the agent can see. */
import type { ChatDto } from '../../shared/protocol';
import { useI18n } from '../i18n';
import { useStore } from '../session';

/** Side panel for the open chat's member. */
export function MemberPanel({ chat }: { chat: ChatDto }) {
  const store = useStore();
  const { t, locale } = useI18n();
  const previous = [...store.views.values()]
    .map((v) => v.chat)
    .filter((c) => c.memberId === chat.memberId && c.id !== chat.id)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <aside className="member-panel" aria-label={t('desk.memberPanel')} data-testid="member-panel">
      <h2>{chat.memberName ?? t('role.member')}</h2>
      <dl>
        <dt>{t('desk.role')}</dt>
        <dd>{t('role.member')}</dd>
        {chat.memberTier && (
          <>
            <dt>{t('desk.tier')}</dt>
            <dd>{t(`tier.${chat.memberTier}` as 'tier.regular')}</dd>
          </>
        )}
        <dt>{t('desk.topic')}</dt>
        <dd>{chat.topic ?? t('chat.untitled')}</dd>
        <dt>{t('desk.since')}</dt>
        <dd>{date.format(new Date(chat.createdAt))}</dd>
      </dl>
      <h3>{t('desk.previousChats')}</h3>
      {previous.length ? (
        <ul className="previous">
          {previous.map((c) => (
            <li key={c.id}>
              <span>{c.topic ?? t('chat.untitled')}</span>
              <span className="muted">
                {date.format(new Date(c.createdAt))} · {t(`status.${c.status}`)}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('desk.noPrevious')}</p>
      )}
    </aside>
  );
}
