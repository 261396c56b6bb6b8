/**
 * One admin action at a time per panel: runs it, says what happened in a live region, and turns a
 * refusal into the user's language (keeping the details, e.g. the authentic passage of a misquote).
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../../../client/api';
import { useI18n } from '../../i18n';

export interface ActionError {
  text: string;
  code: string;
  details?: Record<string, unknown>;
}

/** `run(fn, done)` sets busy, clears the last error, and reports success or the refusal. */
export function useAdminAction() {
  const { t, errorText, locale } = useI18n();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<ActionError | null>(null);
  // What was said is in the old language once the user switches: let it go rather than mix languages.
  useEffect(() => setStatus(''), [locale]);

  const describe = useCallback(
    (err: unknown): ActionError => {
      if (!(err instanceof ApiError)) return { text: t('error.network'), code: 'network' };
      // `conflict` in the chat catalogue means "someone else took the chat": say what it means here.
      // Admins save rather than send: the chat wording ("not sent") would mislead for those two.
      const base = err.code === 'conflict' ? t('dh.err.conflict') : err.code === 'unverified_citation' ? t('dh.cite.saveRefused') : errorText(err.code, err.details);
      const reason = typeof err.details?.reason === 'string' && err.code !== 'conflict' ? ` (${err.details.reason})` : '';
      return { text: base + reason, code: err.code, ...(err.details ? { details: err.details } : {}) };
    },
    [t, errorText],
  );

  const run = useCallback(
    async <T,>(fn: () => Promise<T>, done?: (result: T) => string | void): Promise<T | undefined> => {
      setBusy(true);
      setError(null);
      setStatus('');
      try {
        const result = await fn();
        const said = done?.(result);
        if (said) setStatus(said);
        return result;
      } catch (err) {
        setError(describe(err));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [describe],
  );

  return { busy, status, error, setError, setStatus, run, describe };
}
