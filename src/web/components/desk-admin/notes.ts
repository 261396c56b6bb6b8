/**
 * Status and error notes kept as message keys, not text, so a note on screen follows a language
 * switch instead of staying in the language it was made in.
 */
import { useCallback } from 'react';
import { ApiError } from '../../../client/api';
import { useI18n, type MessageKey } from '../../i18n';

export type Note = { key: MessageKey; vars?: Record<string, string | number> } | { code: string };

/** The note for a failed request: the contract's error code, or "cannot reach the server". */
export function failure(err: unknown): Note {
  return err instanceof ApiError ? { code: err.code } : { key: 'error.network' };
}

/** A function that renders a note in the current language ('' for none). */
export function useNoteText(): (note: Note | null) => string {
  const { t, errorText } = useI18n();
  return useCallback((n: Note | null) => (!n ? '' : 'code' in n ? errorText(n.code) : t(n.key, n.vars)), [t, errorText]);
}
