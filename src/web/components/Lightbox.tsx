/** Full-size image viewer in a modal dialog (Esc or the button closes it; focus goes back). */
import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n';

/** Shows `src` full size while open. */
export function Lightbox({ src, alt, onClose }: { src: string; alt: string; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const { t } = useI18n();
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const dialog = ref.current;
    dialog?.showModal();
    // No dialog.close() on cleanup: it fires `close`, which would unmount a dialog that React's
    // strict mode is only re-mounting. Removing the element ends the modal state anyway.
    return () => {
      opener?.focus();
    };
  }, []);
  return (
    <dialog ref={ref} className="lightbox" aria-label={alt} onClose={onClose} onClick={(e) => e.target === ref.current && onClose()} data-testid="lightbox">
      <img src={src} alt={alt} />
      <button type="button" className="lightbox-close" onClick={onClose} autoFocus>
        {t('chat.closeImage')}
      </button>
    </dialog>
  );
}
