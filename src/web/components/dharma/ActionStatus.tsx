/** The outcome line of a panel's last action: a polite status, or an alert with the refusal. */
import { CitationRefusal } from './CitationNotice';
import type { ActionError } from './useAdminAction';

/** Status text (live, polite) and the last refusal (alert); a misquote shows the authentic passage. */
export function ActionStatus({ status, error, id }: { status: string; error: ActionError | null; id?: string }) {
  return (
    <>
      <p className="dh-status" role="status">
        {status}
      </p>
      {error && (
        <div className="alert" role="alert" id={id} data-testid="dharma-error" data-code={error.code}>
          <p className="dh-alert-text">{error.text}</p>
          {error.code === 'unverified_citation' && <CitationRefusal details={error.details} context="save" />}
        </div>
      )}
    </>
  );
}
