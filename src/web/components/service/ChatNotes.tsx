/**
 * Private notes beside a chat (staff only): the list, live `note` frames from colleagues, and a
 * form to add one. Marked as staff-only so nobody mistakes it for the member's conversation.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../../client/api';
import type { NoteDto } from '../../../shared/frames';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';

/** The notes of one chat, with a form to add one. */
export function ChatNotes({ chatId }: { chatId: string }) {
  const { api, conn } = useSession();
  const { t, time, errorText } = useI18n();
  const [notes, setNotes] = useState<NoteDto[]>([]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();

  useEffect(() => {
    let live = true;
    const add = (incoming: NoteDto[]) => setNotes((list) => {
      const seen = new Set(list.map((n) => n.id));
      const fresh = incoming.filter((n) => n.chatId === chatId && !seen.has(n.id));
      return fresh.length ? [...list, ...fresh].sort((a, b) => a.createdAt.localeCompare(b.createdAt)) : list;
    });
    setNotes([]);
    api.notes(chatId).then((list) => live && add(list), (err: unknown) => live && setError(err instanceof ApiError ? errorText(err.code) : t('error.network')));
    const off = conn.on('frame', (f) => {
      if (f.type === 'note') add([(f as { note: NoteDto }).note]);
    });
    return () => {
      live = false;
      off();
    };
  }, [api, conn, chatId, t, errorText]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    if (!body) return;
    setBusy(true);
    setError(null);
    try {
      const note = await api.addNote(chatId, body);
      setNotes((list) => (list.some((n) => n.id === note.id) ? list : [...list, note]));
      setText('');
    } catch (err) {
      setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="staff-notes" aria-label={t('sv.notes.title')} data-testid="notes">
      <h3>
        {t('sv.notes.title')} <span className="staff-only">{t('sv.notes.staffOnly')}</span>
      </h3>
      {notes.length ? (
        <ol className="note-list">
          {notes.map((n) => (
            <li key={n.id} className="note" data-testid="note">
              <p className="note-text">{n.text}</p>
              <p className="note-meta">{t('sv.notes.by', { name: n.authorName, time: time(n.createdAt) })}</p>
            </li>
          ))}
        </ol>
      ) : (
        <p className="empty">{t('sv.notes.empty')}</p>
      )}
      <form onSubmit={submit} className="note-form">
        <label htmlFor={inputId} className="sr-only">{t('sv.notes.label')}</label>
        <textarea id={inputId} value={text} onChange={(e) => setText(e.target.value)} maxLength={4000} rows={2} placeholder={t('sv.notes.label')} data-testid="note-input" />
        <button type="submit" className="btn-secondary" disabled={busy || !text.trim()} data-testid="note-add">{t('sv.notes.add')}</button>
      </form>
      {error && <p className="alert" role="alert">{error}</p>}
    </section>
  );
}
