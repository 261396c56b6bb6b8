/**
 * The member's mood from sentiment scores (staff only): a face, a word and, on request, the score.
 * The word carries the meaning; the colour only repeats it (WCAG 1.4.1).
 */
import { useI18n, type MessageKey } from '../../i18n';

export type MoodLevel = 'bad' | 'low' | 'calm' | 'good';

/** Buckets a score in [−1, 1] into the four words the desk shows. */
export function moodLevel(score: number): MoodLevel {
  if (score <= -0.5) return 'bad';
  if (score < -0.15) return 'low';
  if (score <= 0.15) return 'calm';
  return 'good';
}

const FACES: Record<MoodLevel, string> = { bad: '😣', low: '😟', calm: '🙂', good: '😊' };

/** A small face and word for a score; `withScore` adds the number (side panel). */
export function MoodBadge({ score, withScore, testId = 'mood' }: { score: number; withScore?: boolean; testId?: string }) {
  const { t } = useI18n();
  const level = moodLevel(score);
  const label = t(`iu.mood.${level}` as MessageKey);
  return (
    <span className={`mood mood-${level}`} data-testid={testId} data-level={level} data-score={score.toFixed(2)} title={t('iu.mood.of', { label })}>
      <span aria-hidden="true">{FACES[level]}</span>
      <span className="mood-label">{label}</span>
      {withScore && <span className="muted"> ({t('iu.mood.score', { score: score.toFixed(2) })})</span>}
    </span>
  );
}
