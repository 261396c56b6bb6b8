/** Display helpers of the desk-admin pages: durations, queue names, weekday labels. */
import type { I18n, MessageKey } from '../../i18n';

type T = I18n['t'];

/** "3 分 20 秒" / "45 秒" / "—" for a duration in seconds. */
export function duration(t: T, seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return t('da.none');
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? t('da.seconds', { s }) : t('da.duration', { m: Math.floor(s / 60), s: s % 60 });
}

const KNOWN_QUEUES = ['dharma', 'offerings', 'orders', 'general'];

/** A queue's name in the UI language (the stored name for queues added later). */
export function queueName(t: T, q: { id: string; name: string }): string {
  return KNOWN_QUEUES.includes(q.id) ? t(`da.queue.${q.id}` as MessageKey) : q.name;
}

/** "週三 11/26" for a YYYY-MM-DD day whose weekday index (Monday 0) is known. */
export function dayLabel(t: T, day: string, weekday: number): string {
  const [, m, d] = day.split('-').map(Number);
  return `${t(`da.weekday.${weekday}` as MessageKey)} ${m}/${d}`;
}
