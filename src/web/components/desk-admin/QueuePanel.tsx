/** Queues on the dashboard: waiting chats and longest wait (chart and table), and each queue's assignment mode. */
import { useMemo, useState } from 'react';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { DeskChart, PALETTE } from './Chart';
import { ASSIGNMENT_MODES, setAssignmentMode, type AssignmentMode, type DashboardSnapshot } from './deskApi';
import { duration, queueName } from './labels';
import { failure, useNoteText, type Note } from './notes';

/** The queue section of the dashboard. */
export function QueuePanel({ queues, onChanged }: { queues: DashboardSnapshot['queues']; onChanged(): Promise<void> }) {
  const { t } = useI18n();
  const say = useNoteText();
  const { api } = useSession();
  const [status, setStatus] = useState<{ note: Note; error: boolean } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // The choice shows at once; the snapshot confirms it after the reload.
  const [chosen, setChosen] = useState<Record<string, AssignmentMode>>({});

  const names = queues.map((q) => queueName(t, q));
  const data = useMemo(
    () => ({
      labels: names,
      datasets: [
        { label: t('da.queues.length'), data: queues.map((q) => q.length), backgroundColor: PALETTE.accent, yAxisID: 'y' },
        { label: t('da.queues.longestMin'), data: queues.map((q) => Math.round((q.longestWaitSeconds / 60) * 10) / 10), backgroundColor: PALETTE.gold, yAxisID: 'y1' },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [JSON.stringify(queues), t],
  );
  const options = useMemo(
    () => ({
      scales: {
        // No axis titles: rotated CJK text is hard to read; the legend names both series.
        y: { beginAtZero: true, ticks: { precision: 0 } },
        y1: { beginAtZero: true, position: 'right' as const, grid: { drawOnChartArea: false } },
      },
    }),
    [],
  );
  const summary = `${t('da.queues.chart')}：${queues.map((q, i) => `${names[i]} ${q.length}`).join('，')}`;

  const change = async (id: string, name: string, mode: AssignmentMode) => {
    setBusy(id);
    setChosen((c) => ({ ...c, [id]: mode }));
    try {
      await setAssignmentMode(api, id, mode);
      setStatus({ note: { key: 'da.queues.saved', vars: { name } }, error: false });
      await onChanged();
    } catch (err) {
      setStatus({ note: failure(err), error: true });
    } finally {
      setChosen(({ [id]: _done, ...rest }) => rest);
      setBusy(null);
    }
  };

  return (
    <section className="da-card da-wide" aria-labelledby="da-queues-h">
      <h2 id="da-queues-h">{t('da.queues.title')}</h2>
      <DeskChart kind="bar" data={data} options={options} label={summary} testId="queue-chart" />
      <table className="da-table" data-testid="queue-table">
        <thead>
          <tr>
            <th scope="col">{t('da.queues.name')}</th>
            <th scope="col" className="num">{t('da.queues.length')}</th>
            <th scope="col" className="num">{t('da.queues.longest')}</th>
            <th scope="col">{t('da.queues.mode')}</th>
          </tr>
        </thead>
        <tbody>
          {queues.map((q, i) => (
            <tr key={q.id} data-queue={q.id}>
              <th scope="row">{names[i]}</th>
              <td className="num" data-testid="queue-length">{q.length}</td>
              <td className="num">{q.length ? duration(t, q.longestWaitSeconds) : t('da.none')}</td>
              <td>
                <select
                  aria-label={t('da.queues.modeOf', { name: names[i] })}
                  value={chosen[q.id] ?? q.assignmentMode}
                  disabled={busy === q.id}
                  data-testid="queue-mode"
                  onChange={(e) => void change(q.id, names[i], e.target.value as AssignmentMode)}
                >
                  {ASSIGNMENT_MODES.map((m) => (
                    <option key={m} value={m}>
                      {t(`da.mode.${m}`)}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className={status?.error ? 'alert' : 'da-status'} role="status" aria-live="polite">
        {status ? say(status.note) : ''}
      </p>
    </section>
  );
}
