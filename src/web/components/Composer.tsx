/**
 * Writing a message: text (Enter sends, Shift+Enter breaks the line), attachments uploaded first,
 * typing notices, and every refusal shown in the user's language with the text given back.
 * The draft survives a reload (sessionStorage), so a dropped connection never loses what was typed.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { ApiError } from '../../client/api';
import { LIMITS, type AttachmentDto } from '../../shared/protocol';
import { useI18n } from '../i18n';
import { useCannedPicker } from './canned/CannedPicker';
import './duty/duty.css';
import { useSession } from '../session';
import { CitationRefusal } from './dharma/CitationNotice';
import { fileSize } from './format';
import { ClipIcon } from './Icons';

const TYPING_EVERY_MS = 2500;

function draftKey(chatId: string) {
  return `lotusdesk.draft.${chatId}`;
}

/** The message input of a chat. */
export function Composer({ chatId, autoFocus = false, staff = false }: { chatId: string; autoFocus?: boolean; staff?: boolean }) {
  const { store, api } = useSession();
  const { t, errorText } = useI18n();
  const [text, setText] = useState(() => sessionStorage.getItem(draftKey(chatId)) ?? '');
  const [files, setFiles] = useState<AttachmentDto[]>([]);
  const [uploading, setUploading] = useState(0);
  const [error, setError] = useState<string | null>(null);
  // A refused misquote keeps its details so the authentic passage shows beside the kept text.
  const [citation, setCitation] = useState<Record<string, unknown> | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const lastTyping = useRef(0);
  const inputId = useId();
  const errorId = useId();
  const citationId = useId();

  useEffect(() => {
    try {
      if (text) sessionStorage.setItem(draftKey(chatId), text);
      else sessionStorage.removeItem(draftKey(chatId));
    } catch {
      // storage blocked: the draft lives in the input only
    }
  }, [text, chatId]);

  useEffect(() => {
    // Focus follows the user's action (a chat just started or accepted), never a page load.
    if (autoFocus) input.current?.focus();
  }, [autoFocus]);

  useEffect(
    () =>
      store.onRefusal((r) => {
        if (r.chatId !== chatId) return;
        setError(errorText(r.code, r.details));
        setCitation(r.code === 'unverified_citation' ? (r.details ?? {}) : null);
        // Give the refused text back for editing, before anything typed since.
        setText((now) => (now ? `${r.text}\n${now}` : r.text));
        setFiles((now) => [...r.attachments, ...now]);
        input.current?.focus();
      }),
    [store, chatId, errorText],
  );

  const send = (e?: FormEvent) => {
    e?.preventDefault();
    const body = text.trim();
    if (!body && !files.length) return;
    if (uploading) return;
    if (body.length > LIMITS.maxTextChars) return setError(`${errorText('too_large')} ${t('chat.tooLong', { max: LIMITS.maxTextChars })}`);
    if (files.length > LIMITS.maxAttachments) return setError(errorText('too_large'));
    store.send(chatId, body, files);
    setText('');
    setFiles([]);
    setError(null);
    setCitation(null);
    input.current?.focus();
  };

  // Puts the sutra's own words where the misquote was; the agent reads it over and sends.
  const takeAuthentic = (quote: string, passage: string) => {
    setText((now) => now.replace(quote, passage));
    input.current?.focus();
  };

  // Staff type `/` for their canned replies.
  const picker = useCannedPicker(chatId, text, staff, (filled) => {
    setText(filled);
    input.current?.focus();
  });

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (picker.onKeyDown(e)) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  };

  const onChange = (value: string) => {
    setText(value);
    const now = Date.now();
    if (value && now - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = now;
      store.conn.typing(chatId);
    }
  };

  const upload = async (list: FileList | null) => {
    if (!list?.length) return;
    setError(null);
    for (const file of Array.from(list)) {
      setUploading((n) => n + 1);
      try {
        const a = await api.upload(file, file.name);
        setFiles((now) => [...now, a]);
      } catch (err) {
        setError(`${file.name}: ${err instanceof ApiError ? errorText(err.code, err.details) : t('error.network')}`);
      } finally {
        setUploading((n) => n - 1);
      }
    }
    if (fileInput.current) fileInput.current.value = '';
  };

  return (
    <form className="composer" onSubmit={send} aria-label={t('chat.composer')}>
      {error && (
        <p className="alert" role="alert" id={errorId} data-testid="composer-error">
          {error}
        </p>
      )}
      {error && citation && <CitationRefusal details={citation} onUse={takeAuthentic} id={citationId} />}
      {(files.length > 0 || uploading > 0) && (
        <ul className="staged" aria-label={t('chat.attachments')}>
          {files.map((f) => (
            <li key={f.id} className="chip">
              <span>
                {f.name} ({fileSize(f.size)})
              </span>
              <button type="button" onClick={() => setFiles((now) => now.filter((x) => x.id !== f.id))} aria-label={t('chat.removeAttachment', { name: f.name })}>
                ×
              </button>
            </li>
          ))}
          {uploading > 0 && (
            <li className="chip" role="status">
              {t('chat.uploading')}
            </li>
          )}
        </ul>
      )}
      {picker.element}
      <div className="composer-row">
        <input ref={fileInput} type="file" className="sr-only" tabIndex={-1} aria-hidden="true" multiple accept="image/*,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt,.csv" onChange={(e) => void upload(e.target.files)} data-testid="file-input" />
        <button type="button" className="btn-icon" onClick={() => fileInput.current?.click()} aria-label={t('chat.attach')} title={t('chat.attach')}>
          <ClipIcon />
        </button>
        <label htmlFor={inputId} className="sr-only">
          {t('chat.input')}
        </label>
        <textarea
          id={inputId}
          ref={input}
          value={text}
          rows={1}
          placeholder={t('chat.placeholder')}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          aria-describedby={error ? (citation ? `${errorId} ${citationId}` : errorId) : undefined}
          aria-invalid={error ? true : undefined}
          aria-controls={staff ? picker.listboxId : undefined}
          aria-expanded={staff ? picker.open : undefined}
          aria-activedescendant={picker.activeId}
          aria-autocomplete={staff ? 'list' : undefined}
          data-testid="composer-input"
        />
        <button type="submit" className="btn-primary" disabled={uploading > 0 || (!text.trim() && !files.length)} data-testid="send">
          {t('chat.send')}
        </button>
      </div>
    </form>
  );
}
