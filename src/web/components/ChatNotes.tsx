/**
 * A chat's private notes, for staff: the notes written so far (a transfer's note among them), new
 * ones live as `note` frames, and a field to add one. Members never get this component nor the data.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../client/api';
import type { NoteDto } from '../../shared/frames';
import { useI18n } from '../i18n';
import { useSession } from '../session';

/** The notes of one chat, oldest first; `canWrite` shows the field to add one. */
export function ChatNotes({ chatId, canWrite }: { chatId: string; canWrite: boolean }) {
  const { api, conn } = useSession();
  const { t, errorText } = useI18n();
  const [notes, setNotes] = useState<NoteDto[]>([]);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const fieldId = useId();

  useEffect(() => {
    let live = true;
    const add = (note: NoteDto) => setNotes((cur) => (cur.some((n) => n.id === note.id) ? cur : [...cur, note]));
    const off = conn.on('frame', (f) => {
      if (f.type === 'note' && f.note.chatId === chatId) add(f.note);
    });
    api
      .notes(chatId)
      .then((loaded) => live && setNotes((cur) => [...loaded, ...cur.filter((n) => !loaded.some((l) => l.id === n.id))]))
      .catch((err) => live && setError(err instanceof ApiError ? errorText(err.code) : t('error.network')));
    return () => {
      live = false;
      off();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reload when the chat changes, not on every render of t
  }, [api, conn, chatId]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = text.trim();
    if (!value) return;
    try {
      const note = await api.addNote(chatId, value);
      setNotes((cur) => (cur.some((n) => n.id === note.id) ? cur : [...cur, note]));
      setText('');
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));
    }
  };

  return (
    <section className="chat-notes" aria-label={t('notes.title')} data-testid="chat-notes">
      <h3>{t('notes.title')}</h3>
      {notes.length === 0 ? (
        <p className="notice">{t('notes.empty')}</p>
      ) : (
        <ul>
          {notes.map((n) => (
            <li key={n.id} data-testid="note">
              <span className="note-author">{n.authorName}</span>：{n.text}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {canWrite && (
        <form onSubmit={(e) => void submit(e)}>
          <label htmlFor={fieldId} className="sr-only">
            {t('notes.placeholder')}
          </label>
          <input id={fieldId} value={text} onChange={(e) => setText(e.target.value)} maxLength={4000} placeholder={t('notes.placeholder')} data-testid="note-input" />
          <button type="submit" disabled={!text.trim()}>
            {t('notes.add')}
          </button>
        </form>
      )}
    </section>
  );
}
