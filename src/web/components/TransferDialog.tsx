/** Transfer a chat to another agent or master, or back to the queue, with a note. */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, type RosterEntry } from '../../client/api';
import type { ChatDto } from '../../shared/protocol';
import { useI18n } from '../i18n';
import { useSession } from '../session';

/** A modal dialog; calls onDone with the updated chat. */
export function TransferDialog({ chat, onDone, onCancel }: { chat: ChatDto; onDone(chat: ChatDto): void; onCancel(): void }) {
  const { api, me } = useSession();
  const { t, errorText } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const [roster, setRoster] = useState<RosterEntry[]>([]);
  const [to, setTo] = useState('queue');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const toId = useId();
  const noteId = useId();
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const dialog = ref.current;
    dialog?.showModal();
    api.roster().then((r) => setRoster(r.filter((a) => a.id !== me.id)), () => {});
    // No dialog.close() on cleanup: it fires `close`, which would unmount a dialog that React's
    // strict mode is only re-mounting. Removing the element ends the modal state anyway.
    return () => {
      opener?.focus();
    };
  }, [api, me.id]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      onDone(await api.transfer(chat.id, to, note.trim() || undefined));
    } catch (err) {
      setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));
    }
  };
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={`${toId}-title`} onClose={onCancel} data-testid="transfer-dialog">
      <form onSubmit={submit}>
        <h2 id={`${toId}-title`}>{t('desk.transferTitle', { name: chat.memberName ?? '' })}</h2>
        <label htmlFor={toId}>{t('desk.transferTo')}</label>
        <select id={toId} value={to} onChange={(e) => setTo(e.target.value)} autoFocus>
          <option value="queue">{t('desk.backToQueue')}</option>
          {roster.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} · {t(`role.${a.role}`)} · {t(`presence.${a.status}`)} ({a.load}/{a.capacity})
            </option>
          ))}
        </select>
        <label htmlFor={noteId}>{t('desk.note')}</label>
        <textarea id={noteId} value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} rows={3} />
        {error && <p className="alert" role="alert">{error}</p>}
        <div className="dialog-actions">
          <button type="button" className="btn-secondary" onClick={onCancel}>
            {t('app.cancel')}
          </button>
          <button type="submit" className="btn-primary">
            {t('desk.transfer')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
