/**
 * The dashboard's content: queues, agents, chats per hour and today's response times, live from
 * the `desk` frames the server pushes to supervisors (no polling), plus efficiency statistics.
 */
import { DutyPanel } from '../duty/DutyPanel';
import '../duty/duty.css';
import { ConnectionBanner } from '../ConnectionBanner';
import { HourlyPanel, TodayPanel } from './ActivityPanels';
import { AgentPanel } from './AgentPanel';
import { QueuePanel } from './QueuePanel';
import { StatsPanel } from './StatsPanel';
import { useDeskFeed } from './useDeskFeed';
import { timeOf } from './zone';
import { failure, useNoteText } from './notes';
import './desk-admin.css';
import { useI18n } from '../../i18n';

/** The supervisors' monitoring dashboard (loaded on demand with chart.js). */
export default function Dashboard() {
  const { t } = useI18n();
  const say = useNoteText();
  const { snapshot, liveAt, error, reload } = useDeskFeed();
  return (
    <div className="da-page" data-testid="dashboard">
      <ConnectionBanner />
      <header className="da-head">
        <h1>{t('da.dash.title')}</h1>
        <p className="muted" aria-live="off" data-testid="dash-updated">
          {snapshot ? t('da.dash.updated', { time: timeOf(new Date(snapshot.at), snapshot.timezone) }) : t('app.loading')}
          {snapshot && ` · ${t('da.dash.tz', { tz: snapshot.timezone })}`}
          {snapshot && !liveAt && ` · ${t('da.dash.waitingLive')}`}
        </p>
      </header>
      {error != null && (
        <p className="alert" role="alert">
          {say(failure(error))}
        </p>
      )}
      {snapshot && (
        <div className="da-grid">
          <DutyPanel timezone={snapshot.timezone} refreshKey={snapshot.at} />
          <QueuePanel queues={snapshot.queues} onChanged={reload} />
          <AgentPanel agents={snapshot.agents} onChanged={reload} />
          <HourlyPanel hours={snapshot.chatsPerHour} />
          <TodayPanel today={snapshot.today} />
          <StatsPanel timezone={snapshot.timezone} />
        </div>
      )}
    </div>
  );
}
