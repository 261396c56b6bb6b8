/** 功德榜 (/leaderboard): a desk day's merit of the members who chose to appear, by alias only. */
import { useEffect, useId, useState } from 'react';
import { ApiError } from '../../client/api';
import '../components/dharma/dharma.css';
import '../components/members/members.css';
import { fetchLeaderboard, type Leaderboard } from '../components/members/membersApi';
import { useI18n } from '../i18n';
import { useSession } from '../session';

/** The daily leaderboard page. */
export function LeaderboardPage() {
  const { api } = useSession();
  const { t, errorText } = useI18n();
  const [date, setDate] = useState('');
  const [board, setBoard] = useState<Leaderboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  useEffect(() => {
    let live = true;
    fetchLeaderboard(api, date || undefined).then(
      (b) => {
        if (!live) return;
        setBoard(b);
        setError(null);
        if (!date) setDate(b.date);
      },
      (err) => live && setError(err instanceof ApiError ? errorText(err.code) : t('error.network')),
    );
    return () => void (live = false);
  }, [api, date, errorText, t]);
  return (
    <div className="dh-page" data-testid="leaderboard-page">
      <header className="dh-head">
        <h1>{t('mb.lb.title')}</h1>
        <p className="muted">{t('mb.lb.help')}</p>
      </header>
      <div className="dh-card">
        <div className="dh-row">
          <label htmlFor={id}>{t('mb.lb.date')}</label>
          <input id={id} type="date" value={date} onChange={(e) => setDate(e.target.value)} data-testid="leaderboard-date" style={{ flex: '0 1 12em' }} />
        </div>
        {error && <p className="alert" role="alert">{error}</p>}
        {board && board.entries.length > 0 && (
          <table className="dh-table" data-testid="leaderboard">
            <thead>
              <tr>
                <th scope="col" className="num">{t('mb.lb.rank')}</th>
                <th scope="col">{t('mb.lb.alias')}</th>
                <th scope="col" className="num">{t('mb.lb.merit')}</th>
              </tr>
            </thead>
            <tbody>
              {board.entries.map((e, i) => (
                <tr key={i} data-testid="leaderboard-row">
                  <td className="num">{e.rank}</td>
                  <th scope="row">{e.alias}</th>
                  <td className="num">{e.merit}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {board && board.entries.length === 0 && <p className="muted">{t('mb.lb.empty')}</p>}
      </div>
    </div>
  );
}
