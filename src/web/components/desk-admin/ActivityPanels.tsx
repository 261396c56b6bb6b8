/** Chats per hour, and today's first response and handle times (tiles plus a per-agent chart). */
import { useMemo } from 'react';
import { useI18n } from '../../i18n';
import { DeskChart, PALETTE } from './Chart';
import type { DashboardSnapshot } from './deskApi';
import { duration } from './labels';

/** Opened and closed chats in each of the last twelve hours (desk time). */
export function HourlyPanel({ hours }: { hours: DashboardSnapshot['chatsPerHour'] }) {
  const { t } = useI18n();
  const data = useMemo(
    () => ({
      labels: hours.map((h) => h.hour),
      datasets: [
        { label: t('da.hourly.opened'), data: hours.map((h) => h.opened), borderColor: PALETTE.accent, backgroundColor: PALETTE.accent, tension: 0.25 },
        { label: t('da.hourly.closed'), data: hours.map((h) => h.closed), borderColor: PALETTE.ok, backgroundColor: PALETTE.ok, borderDash: [6, 4], tension: 0.25 },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [JSON.stringify(hours), t],
  );
  const options = useMemo(() => ({ scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { labels: { usePointStyle: true } } } }), []);
  const total = hours.reduce((n, h) => n + h.opened, 0);
  const summary = `${t('da.hourly.title')}：${t('da.hourly.opened')} ${total}，${hours.map((h) => `${h.hour} ${h.opened}/${h.closed}`).join('，')}`;
  return (
    <section className="da-card" aria-labelledby="da-hourly-h">
      <h2 id="da-hourly-h">{t('da.hourly.title')}</h2>
      <DeskChart kind="line" data={data} options={options} label={summary} testId="hourly-chart" />
      <details className="da-details">
        <summary>{t('da.table.show')}</summary>
        <table className="da-table da-compact">
          <thead>
            <tr>
              <th scope="col">{t('da.hourly.hour')}</th>
              <th scope="col" className="num">{t('da.hourly.opened')}</th>
              <th scope="col" className="num">{t('da.hourly.closed')}</th>
            </tr>
          </thead>
          <tbody>
            {hours.map((h) => (
              <tr key={h.hour}>
                <th scope="row">{h.hour}</th>
                <td className="num">{h.opened}</td>
                <td className="num">{h.closed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

/** Today's totals and averages, and each agent's averages as a chart. */
export function TodayPanel({ today }: { today: DashboardSnapshot['today'] }) {
  const { t } = useI18n();
  const data = useMemo(
    () => ({
      labels: today.agents.map((a) => a.agentName),
      datasets: [
        { label: t('da.today.firstResponse'), data: today.agents.map((a) => a.avgFirstResponseSeconds ?? 0), backgroundColor: PALETTE.gold },
        { label: t('da.today.handle'), data: today.agents.map((a) => a.avgHandleSeconds ?? 0), backgroundColor: PALETTE.accent },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [JSON.stringify(today.agents), t],
  );
  const options = useMemo(() => ({ scales: { y: { beginAtZero: true, ticks: { precision: 0, callback: (v: number | string) => duration(t, Number(v)) } } } }), [t]);
  const summary = `${t('da.today.chart')}：${today.agents.map((a) => `${a.agentName} ${duration(t, a.avgFirstResponseSeconds)} / ${duration(t, a.avgHandleSeconds)}`).join('，')}`;
  return (
    <section className="da-card" aria-labelledby="da-today-h">
      <h2 id="da-today-h">{t('da.today.title')}</h2>
      <dl className="da-tiles" data-testid="today-tiles">
        <div>
          <dt>{t('da.today.handled')}</dt>
          <dd data-testid="today-handled">{today.handled}</dd>
        </div>
        <div>
          <dt>{t('da.today.closed')}</dt>
          <dd>{today.closed}</dd>
        </div>
        <div>
          <dt>{t('da.today.firstResponse')}</dt>
          <dd>{duration(t, today.avgFirstResponseSeconds)}</dd>
        </div>
        <div>
          <dt>{t('da.today.handle')}</dt>
          <dd>{duration(t, today.avgHandleSeconds)}</dd>
        </div>
      </dl>
      {today.agents.some((a) => a.avgFirstResponseSeconds !== null || a.avgHandleSeconds !== null) ? <DeskChart kind="bar" data={data} options={options} label={summary} testId="today-chart" /> : <p className="empty">{t('da.today.none')}</p>}
    </section>
  );
}
