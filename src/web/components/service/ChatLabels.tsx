/** Labels of a chat as chips (staff only): add one, remove one; the desk sees the change live. */
import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../../client/api';
import type { ChatDto } from '../../../shared/protocol';
import { useI18n } from '../../i18n';
import { useSession, useStore } from '../../session';

/** Label chips of a chat, editable when `editable`. */
export function ChatLabels({ chat, editable }: { chat: ChatDto; editable: boolean }) {
  const store = useStore();
  const { api } = useSession();
  const { t, errorText } = useI18n();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const labels = chat.labels ?? [];

  const save = async (next: string[]) => {
    setError(null);
    try {
      store.upsert(await api.setLabels(chat.id, next));
      return true;
    } catch (err) {
      setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));
      return false;
    }
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const label = text.trim();
    if (!label || labels.includes(label)) return setText('');
    if (await save([...labels, label])) setText('');
  };

  return (
    <section className="chat-labels" aria-label={t('sv.labels.title')} data-testid="labels">
      <ul className="chips">
        {labels.map((l) => (
          <li key={l} className="chip" data-testid="label-chip">
            {l}
            {editable && (
              <button type="button" aria-label={t('sv.labels.remove', { label: l })} onClick={() => void save(labels.filter((x) => x !== l))}>
                ×
              </button>
            )}
          </li>
        ))}
        {!labels.length && !editable && <li className="empty">{t('sv.labels.none')}</li>}
      </ul>
      {editable && (
        <form onSubmit={add} className="label-form">
          <label htmlFor={inputId} className="sr-only">{t('sv.labels.add')}</label>
          <input id={inputId} value={text} onChange={(e) => setText(e.target.value)} maxLength={32} placeholder={t('sv.labels.placeholder')} data-testid="label-input" />
          <button type="submit" className="btn-secondary" disabled={!text.trim()} data-testid="label-add">{t('sv.labels.add')}</button>
        </form>
      )}
      {error && <p className="alert" role="alert">{error}</p>}
    </section>
  );
}
