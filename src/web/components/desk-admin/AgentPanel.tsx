/** Agents on the dashboard: presence and load against capacity (chart and table), capacity editable. */
import { useMemo, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { DeskChart, PALETTE } from './Chart';
import { setCapacity, type DashboardSnapshot } from './deskApi';
import { failure, useNoteText, type Note } from './notes';

type Agent = DashboardSnapshot['agents'][number];

/** The agents section of the dashboard. */
export function AgentPanel({ agents, onChanged }: { agents: Agent[]; onChanged(): Promise<void> }) {
  const { t } = useI18n();
  const say = useNoteText();
  const [status, setStatus] = useState<{ note: Note; error: boolean } | null>(null);
  const data = useMemo(
    () => ({
      labels: agents.map((a) => a.name),
      datasets: [
        { label: t('da.agents.open'), data: agents.map((a) => a.load), backgroundColor: PALETTE.accent, stack: 'load' },
        { label: t('da.agents.free'), data: agents.map((a) => Math.max(0, a.capacity - a.load)), backgroundColor: PALETTE.line, stack: 'load' },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [JSON.stringify(agents), t],
  );
  const options = useMemo(() => ({ indexAxis: 'y' as const, scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } }), []);
  const summary = `${t('da.agents.chart')}：${agents.map((a) => `${a.name} ${t(`presence.${a.status}`)} ${a.load}/${a.capacity}`).join('，')}`;

  return (
    <section className="da-card da-wide" aria-labelledby="da-agents-h">
      <h2 id="da-agents-h">{t('da.agents.title')}</h2>
      {agents.length === 0 ? (
        <p className="empty">{t('da.agents.none')}</p>
      ) : (
        <>
          <div style={{ height: `${Math.max(140, 40 + agents.length * 34)}px` }} className="da-chart-box">
            <DeskChart kind="bar" data={data} options={options} label={summary} testId="agent-chart" />
          </div>
          <table className="da-table" data-testid="agent-table">
            <thead>
              <tr>
                <th scope="col">{t('da.agents.name')}</th>
                <th scope="col">{t('da.agents.role')}</th>
                <th scope="col">{t('da.agents.status')}</th>
                <th scope="col" className="num">{t('da.agents.load')}</th>
                <th scope="col">{t('da.agents.capacity')}</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((a) => (
                <tr key={a.id} data-agent={a.id}>
                  <th scope="row">{a.name}</th>
                  <td>{t(`role.${a.role}`)}</td>
                  <td data-testid="agent-status" data-status={a.status}>
                    <span className={`dot dot-${a.status}`} aria-hidden="true" /> {t(`presence.${a.status}`)}
                  </td>
                  <td className="num" data-testid="agent-load">
                    {t('da.agents.loadValue', { load: a.load, capacity: a.capacity })}
                  </td>
                  <td>
                    <CapacityForm agent={a} onSaved={onChanged} onStatus={setStatus} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <p className={status?.error ? 'alert' : 'da-status'} role="status" aria-live="polite">
        {status ? say(status.note) : ''}
      </p>
    </section>
  );
}

function CapacityForm({ agent, onSaved, onStatus }: { agent: Agent; onSaved(): Promise<void>; onStatus(s: { note: Note; error: boolean }): void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [value, setValue] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const shown = value ?? String(agent.capacity);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(shown);
    if (!Number.isInteger(n) || n < 0 || n > 100) {
      onStatus({ note: { code: 'invalid' }, error: true });
      return;
    }
    setBusy(true);
    try {
      await setCapacity(api, agent.id, n);
      onStatus({ note: { key: 'da.agents.saved', vars: { name: agent.name, n } }, error: false });
      await onSaved();
      setValue(null);
    } catch (err) {
      onStatus({ note: failure(err), error: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="da-inline" onSubmit={(e) => void submit(e)}>
      <input type="number" min={0} max={100} step={1} inputMode="numeric" value={shown} aria-label={t('da.agents.capacityOf', { name: agent.name })} onChange={(e) => setValue(e.target.value)} data-testid="agent-capacity" />
      <button type="submit" className="btn-secondary" disabled={busy || shown === String(agent.capacity)} aria-label={t('da.agents.saveFor', { name: agent.name })}>
        {t('da.agents.save')}
      </button>
    </form>
  );
}
