/** Inline SVG icons (emoji fonts are not everywhere, e.g. kiosk browsers and headless Chromium). */

/** The lotus mark. */
export function LotusIcon({ size = 22 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false" className="icon">
      <circle cx="32" cy="32" r="30" fill="#f6d7a7" />
      <path d="M32 14c6 8 8 15 0 28-8-13-6-20 0-28zm-14 12c8 2 12 7 14 16-9-1-14-7-14-16zm28 0c0 9-5 15-14 16 2-9 6-14 14-16z" fill="#7a3e2f" />
    </svg>
  );
}

/** A paper clip. */
export function ClipIcon() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" focusable="false" className="icon" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <path d="M21 11.5l-8.6 8.6a5.5 5.5 0 01-7.8-7.8l8.6-8.6a3.7 3.7 0 015.2 5.2l-8.6 8.6a1.8 1.8 0 01-2.6-2.6l7.9-7.9" />
    </svg>
  );
}

/** A document. */
export function FileIcon() {
  return (
    <svg width="28" height="28" viewBox="0 0 24 24" aria-hidden="true" focusable="false" className="icon file-icon" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round">
      <path d="M6 2h8l5 5v15H6z" />
      <path d="M14 2v5h5M9 13h7M9 17h7" />
    </svg>
  );
}
