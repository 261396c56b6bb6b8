/** After close, the member rates the chat 1-5 with an optional comment (once). */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../../client/api';
import type { RatingDto } from '../../../shared/protocol';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';

/** The rating form, or the thanks once rated. */
export function RatingPrompt({ chatId }: { chatId: string }) {
  const { api } = useSession();
  const { t, errorText } = useI18n();
  const [rating, setRating] = useState<RatingDto | null | undefined>(undefined);
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const group = useId();
  const commentId = useId();

  useEffect(() => {
    let live = true;
    api.rating(chatId).then((r) => live && setRating(r), () => live && setRating(null));
    return () => void (live = false);
  }, [api, chatId]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!score) return;
    setBusy(true);
    setError(null);
    try {
      setRating(await api.rate(chatId, score, comment.trim() || undefined));
    } catch (err) {
      // Rated meanwhile (another device): show that rating.
      if (err instanceof ApiError && err.code === 'conflict') setRating(await api.rating(chatId).catch(() => null));
      else setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));
    } finally {
      setBusy(false);
    }
  };

  if (rating === undefined) return null;
  if (rating) return <p className="rating-thanks" role="status" data-testid="rating-thanks">{t('sv.rating.thanks', { n: rating.score })}</p>;
  return (
    <form className="rating-prompt" onSubmit={submit} data-testid="rating-prompt">
      <fieldset>
        <legend id={group}>{t('sv.rating.prompt')}</legend>
        <div className="rating-stars" role="radiogroup" aria-labelledby={group}>
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} className={`star ${n <= score ? 'star-on' : ''}`}>
              <input type="radio" name={`${group}-score`} value={n} checked={score === n} onChange={() => setScore(n)} className="sr-only" data-testid={`rating-${n}`} />
              <span aria-hidden="true">★</span>
              <span className="sr-only">{t('sv.rating.score', { n })}</span>
            </label>
          ))}
        </div>
        <label htmlFor={commentId}>{t('sv.rating.comment')}</label>
        <textarea id={commentId} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={1000} rows={2} data-testid="rating-comment" />
        <button type="submit" className="btn-primary" disabled={busy || !score} data-testid="rating-submit">{t('sv.rating.submit')}</button>
      </fieldset>
      {error && <p className="alert" role="alert">{error}</p>}
    </form>
  );
}
