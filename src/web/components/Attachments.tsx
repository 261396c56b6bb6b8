/** Attachments in a bubble: images as thumbnails opening a lightbox, other files as download cards. */
import { useState } from 'react';
import type { AttachmentDto } from '../../shared/protocol';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { fileSize, withToken } from './format';
import { FileIcon } from './Icons';
import { Lightbox } from './Lightbox';

/** The attachments of one message. */
export function Attachments({ items }: { items: AttachmentDto[] }) {
  const { token } = useSession();
  const { t } = useI18n();
  const [open, setOpen] = useState<AttachmentDto | null>(null);
  if (!items.length) return null;
  return (
    <div className="attachments">
      {items.map((a) =>
        a.mime.startsWith('image/') ? (
          <button key={a.id} type="button" className="thumb" onClick={() => setOpen(a)} aria-label={t('chat.viewImage', { name: a.name })}>
            <img src={withToken(a.thumbnailUrl ?? a.url, token)} alt={a.name} loading="lazy" data-testid="attachment-thumb" />
          </button>
        ) : (
          <a key={a.id} className="file-card" href={withToken(a.url, token, { download: '1' })} download={a.name} data-testid="attachment-file">
            <FileIcon />
            <span className="file-name">{a.name}</span>
            <span className="file-size">
              {fileSize(a.size)} · {t('chat.download')}
            </span>
          </a>
        ),
      )}
      {open && <Lightbox src={withToken(open.url, token)} alt={open.name} onClose={() => setOpen(null)} />}
    </div>
  );
}
