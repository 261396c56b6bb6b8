/** Efficiency per agent and per day (GET /api/stats/agents) with a CSV download of the same rows. */
import { useCallback, useEffect, useId, useState } from 'react';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { fetchAgentStats, fetchAgentStatsCsv, type AgentDayStats } from './deskApi';
import { duration } from './labels';
import { failure, useNoteText, type Note } from './notes';
import { dayOf } from './zone';

const RANGES = [1, 7, 30];

/** The statistics table. */
export function StatsPanel({ timezone }: { timezone: string }) {
  const { t } = useI18n();
  const say = useNoteText();
  const { api } = useSession();
  const rangeId = useId();
  const [days, setDays] = useState(7);
  const [rows, setRows] = useState<AgentDayStats[] | null>(null);
  const [error, setError] = useState<Note | null>(null);
  const [period, setPeriod] = useState<{ from: Date; to: Date } | null>(null);

  const load = useCallback(async () => {
    const to = new Date(Date.now() + 60_000);
    const from = new Date(to.getTime() - days * 86400_000);
    setPeriod({ from, to });
    try {
      setRows(await fetchAgentStats(api, from, to));
      setError(null);
    } catch (err) {
      setError(failure(err));
    }
  }, [api, days]);
  useEffect(() => {
    void load();
  }, [load]);

  const download = async () => {
    if (!period) return;
    try {
      const blob = await fetchAgentStatsCsv(api, period.from, period.to);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `lotusdesk-agent-stats-${dayOf(period.from, timezone)}-${dayOf(period.to, timezone)}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(failure(err));
    }
  };

  return (
    <section className="da-card da-full" aria-labelledby="da-stats-h">
      <h2 id="da-stats-h">{t('da.stats.title')}</h2>
      <div className="da-toolbar">
        <label htmlFor={rangeId}>{t('da.stats.range')}</label>
        <select id={rangeId} value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="stats-range">
          {RANGES.map((n) => (
            <option key={n} value={n}>
              {t('da.stats.days', { n })}
            </option>
          ))}
        </select>
        <button type="button" className="btn-secondary" onClick={() => void load()} data-testid="stats-refresh">
          {t('da.stats.refresh')}
        </button>
        <button type="button" className="btn-primary" onClick={() => void download()} disabled={!period} data-testid="stats-csv">
          {t('da.stats.csv')}
        </button>
      </div>
      {error && (
        <p className="alert" role="alert">
          {say(error)}
        </p>
      )}
      <div className="da-scroll">
        <table className="da-table" data-testid="stats-table">
          {period && <caption>{t('da.stats.caption', { from: dayOf(period.from, timezone), to: dayOf(period.to, timezone) })}</caption>}
          <thead>
            <tr>
              <th scope="col">{t('da.stats.day')}</th>
              <th scope="col">{t('da.stats.agent')}</th>
              <th scope="col" className="num">{t('da.stats.handled')}</th>
              <th scope="col" className="num">{t('da.stats.closedCol')}</th>
              <th scope="col" className="num">{t('da.stats.firstResponse')}</th>
              <th scope="col" className="num">{t('da.stats.handle')}</th>
            </tr>
          </thead>
          <tbody>
            {rows?.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  {t('da.stats.none')}
                </td>
              </tr>
            )}
            {rows?.map((r) => (
              <tr key={`${r.day}-${r.agentId}`} data-stats-agent={r.agentId}>
                <td>{r.day}</td>
                <th scope="row">{r.agentName}</th>
                <td className="num" data-testid="stats-handled">{r.handled}</td>
                <td className="num">{r.closed}</td>
                <td className="num">{duration(t, r.avgFirstResponseSeconds)}</td>
                <td className="num">{duration(t, r.avgHandleSeconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
