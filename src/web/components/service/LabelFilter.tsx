/** A filter of chats by label (the labels those chats carry), for the queue and supervisor views. */
import { useId } from 'react';
import type { ChatDto } from '../../../shared/protocol';
import { useI18n } from '../../i18n';

/** A select of the labels present on `chats`; hidden when none has a label. */
export function LabelFilter({ chats, value, onChange }: { chats: ChatDto[]; value: string | null; onChange(label: string | null): void }) {
  const { t } = useI18n();
  const id = useId();
  const labels = [...new Set(chats.flatMap((c) => c.labels ?? []))].sort();
  if (value && !labels.includes(value)) labels.unshift(value);
  if (!labels.length) return null;
  return (
    <div className="label-filter">
      <label htmlFor={id}>{t('sv.labels.filter')}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value || null)} data-testid="label-filter">
        <option value="">{t('sv.labels.all')}</option>
        {labels.map((l) => (
          <option key={l} value={l}>{l}</option>
        ))}
      </select>
    </div>
  );
}
