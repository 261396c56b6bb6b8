/** Supervisors: every chat live, who holds what, agents' presence and load, read-only chat view. */
import { useEffect, useState } from 'react';
import { ApiError, type RosterEntry } from '../../client/api';
import type { ChatStatus } from '../../shared/protocol';
import { ChatWindow } from '../components/ChatWindow';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { DistressAlerts } from '../components/insight/DistressAlerts';
import { minutesSince } from '../components/format';
import { useNow } from '../components/hooks';
import { useI18n } from '../i18n';
import { useSession, useStore } from '../session';

const FILTERS: Array<ChatStatus | 'all'> = ['all', 'pending', 'open', 'closed'];

/** The supervisor view. */
export function SupervisorPage() {
  const store = useStore();
  const { api } = useSession();
  const { t, errorText } = useI18n();
  const now = useNow(15_000);
  const [filter, setFilter] = useState<ChatStatus | 'all'>('all');
  // The dashboard's alert button links here with ?chat=<id>.
  const [selected, setSelected] = useState<string | null>(() => new URLSearchParams(location.search).get('chat'));
  const [roster, setRoster] = useState<RosterEntry[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    store.refresh().catch((err) => setError(err instanceof ApiError ? errorText(err.code) : t('error.network')));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store]);
  useEffect(() => {
    const load = () => api.roster().then(setRoster, () => {});
    load();
    // Presence changes arrive as desk frames for the dashboard; a light poll keeps this table honest.
    const id = setInterval(load, 15_000);
    return () => clearInterval(id);
  }, [api]);

  const chats = [...store.views.values()]
    .map((v) => v.chat)
    .filter((c) => filter === 'all' || c.status === filter)
    .sort((a, b) => (a.status === b.status ? b.createdAt.localeCompare(a.createdAt) : order(a.status) - order(b.status)));

  return (
    <div className="supervisor">
      <ConnectionBanner />
      <section className="sup-list" aria-label={t('sup.chats')}>
        <DistressAlerts readOnly onOpen={(a) => setSelected(a.chatId)} />
        <h2>{t('sup.chats')}</h2>
        {error && <p className="alert" role="alert">{error}</p>}
        <div role="group" aria-label={t('sup.filter')} className="filters">
          {FILTERS.map((f) => (
            <button key={f} type="button" className={filter === f ? 'chip chip-on' : 'chip'} aria-pressed={filter === f} onClick={() => setFilter(f)}>
              {f === 'all' ? t('sup.all') : t(`status.${f}`)}
            </button>
          ))}
        </div>
        <table className="sup-table" data-testid="sup-table">
          <thead>
            <tr>
              <th scope="col">{t('sup.member')}</th>
              <th scope="col">{t('desk.topic')}</th>
              <th scope="col">{t('sup.status')}</th>
              <th scope="col">{t('sup.holder')}</th>
              <th scope="col">{t('sup.age')}</th>
              <th scope="col"><span className="sr-only">{t('sup.view')}</span></th>
            </tr>
          </thead>
          <tbody>
            {chats.map((c) => (
              <tr key={c.id} className={c.id === selected ? 'selected' : ''} data-testid="sup-row" data-status={c.status} data-chat-id={c.id}>
                <td>
                  {c.memberName ?? '—'}
                  {c.distress && <span className="tag-distress">{t('desk.distress')}</span>}
                </td>
                <td>{c.topic ?? t('chat.untitled')}</td>
                <td>
                  <span className={`pill pill-${c.status}`}>{t(`status.${c.status}`)}</span>
                  {c.status === 'pending' && c.queuePosition != null && <span className="muted"> #{c.queuePosition}</span>}
                </td>
                <td>{c.assigneeName ?? (c.status === 'pending' ? t('sup.inQueue') : '—')}</td>
                <td>{t('sup.minutes', { minutes: minutesSince(c.createdAt, now) })}</td>
                <td>
                  <button type="button" className="btn-link" onClick={() => setSelected(c.id)} aria-label={t('sup.viewChat', { name: c.memberName ?? '' })}>
                    {t('sup.view')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>{t('sup.agents')}</h2>
        <ul className="roster">
          {roster.map((a) => (
            <li key={a.id}>
              <span className={`dot dot-${a.status}`} aria-hidden="true" />
              {a.name} · {t(`role.${a.role}`)} · {t(`presence.${a.status}`)} · {t('sup.load', { load: a.load, capacity: a.capacity })}
            </li>
          ))}
        </ul>
      </section>
      <section className="sup-view" aria-label={t('sup.view')}>
        {selected ? <ChatWindow key={selected} chatId={selected} mode="readonly" /> : <p className="empty">{t('sup.pick')}</p>}
      </section>
    </div>
  );
}

function order(s: ChatStatus): number {
  return s === 'pending' ? 0 : s === 'open' ? 1 : 2;
}
