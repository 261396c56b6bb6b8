/**
 * The `/` picker of canned replies in the desk composer: typing `/` and a few letters (a shortcut,
 * a title or words of the text, in either script) lists the matching replies; arrow keys choose,
 * Enter or a click puts the reply in, with `{member}` and `{agent}` filled in by the server.
 */
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import type { CannedReplyDto } from '../../../shared/duty';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';

/** The `/query` being typed at the end of the draft, or null. */
export function slashQuery(text: string): string | null {
  const m = /(?:^|\s)\/([^\s/]*)$/.exec(text);
  return m ? m[1] : null;
}

/** The draft with its trailing `/query` replaced by the reply's text. */
export function insertReply(text: string, replyText: string): string {
  return text.replace(/\/[^\s/]*$/, replyText);
}

export interface CannedPickerState {
  open: boolean;
  /** Handles the composer's keys while open; true when the key was the picker's. */
  onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): boolean;
  listboxId: string;
  activeId: string | undefined;
  element: React.ReactNode;
}

/** The picker's state and list for a draft; `onPick` receives the filled-in text. */
export function useCannedPicker(chatId: string, text: string, enabled: boolean, onPick: (filled: string) => void): CannedPickerState {
  const { api } = useSession();
  const { t } = useI18n();
  const listboxId = useId();
  const query = enabled ? slashQuery(text) : null;
  const [replies, setReplies] = useState<CannedReplyDto[]>([]);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);

  useEffect(() => {
    if (query === null) return;
    let stale = false;
    const timer = setTimeout(() => {
      api
        .request<{ replies: CannedReplyDto[] }>('GET', `/api/canned-replies?q=${encodeURIComponent(query)}`)
        .then((r) => {
          if (stale) return;
          setReplies(r.replies.slice(0, 8));
          setActive(0);
        })
        .catch(() => !stale && setReplies([]));
    }, 120);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [api, query]);

  const open = query !== null && dismissed !== text && replies.length > 0;
  const pick = async (reply: CannedReplyDto) => {
    const r = await api.request<{ text: string }>('POST', `/api/canned-replies/${reply.id}/use`, { chatId });
    onPick(insertReply(text, r.text));
    setReplies([]);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : replies.length - 1)) % replies.length);
      return true;
    }
    if ((e.key === 'Enter' || e.key === 'Tab') && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void pick(replies[active]);
      return true;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      setDismissed(text);
      return true;
    }
    return false;
  };

  const optionId = (i: number) => `${listboxId}-${i}`;
  const element = open ? (
    <ul className="canned-picker" role="listbox" id={listboxId} aria-label={t('canned.picker')} data-testid="canned-picker">
      {replies.map((r, i) => (
        <li
          key={r.id}
          id={optionId(i)}
          role="option"
          aria-selected={i === active}
          className={i === active ? 'active' : undefined}
          onMouseDown={(e) => {
            e.preventDefault(); // keep the focus in the composer
            void pick(r);
          }}
          data-testid="canned-option"
        >
          <span className="canned-shortcut">/{r.shortcut}</span> <strong>{r.title}</strong>
          {r.scope === 'team' && <span className="canned-scope"> · {t('canned.team')}</span>}
          <span className="canned-text">{r.text}</span>
        </li>
      ))}
    </ul>
  ) : null;
  return { open, onKeyDown, listboxId, activeId: open ? optionId(active) : undefined, element };
}
