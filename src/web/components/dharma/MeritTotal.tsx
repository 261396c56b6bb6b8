/**
 * The member's merit 功德 in the closed chat: the points this chat earned (once scored, a moment
 * after closing) and the running total from /api/merit/me.
 */
import { useEffect, useState } from 'react';
import './dharma.css';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { fetchMyMerit, type MeritSummary } from './dharmaApi';

/** Shows the merit of `chatId` and my total; `seq` re-reads it when new messages (the merit note) arrive. */
export function MeritTotal({ chatId, seq }: { chatId: string; seq: number }) {
  const { api } = useSession();
  const { t } = useI18n();
  const [merit, setMerit] = useState<MeritSummary | null>(null);
  useEffect(() => {
    let live = true;
    fetchMyMerit(api)
      .then((m) => live && setMerit(m))
      .catch(() => live && setMerit(null)); // merit is a kindness, not a blocker: say nothing on failure
    return () => {
      live = false;
    };
  }, [api, chatId, seq]);
  if (!merit) return null;
  const here = merit.entries.find((e) => e.chatId === chatId);
  return (
    <p className="dh-merit" role="status" data-testid="merit-total" data-total={merit.total}>
      <span aria-hidden="true" className="dh-merit-mark">
        ❀
      </span>
      {here && <span className="dh-merit-chat">{t('dh.merit.chat', { points: here.points })}</span>}
      <span>{t('dh.merit.total', { total: merit.total })}</span>
    </p>
  );
}
