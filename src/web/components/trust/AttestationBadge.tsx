/**
 * The staff view's attestation line for a chat: "attested" with the time of the latest leaf, a
 * verify action (does the chat as stored still hash to it?), the bundle download, and for
 * supervisors and admins an attest action.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../../../client/api';
import type { ChatAttestationDto } from '../../../shared/trust';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { attestChat, fetchAttestation, fetchBundle } from './trustApi';

/** Attestation state and actions for one chat (staff only). */
export function AttestationBadge({ chatId }: { chatId: string }) {
  const { api, me } = useSession();
  const { t, errorText, locale } = useI18n();
  const [state, setState] = useState<ChatAttestationDto | null>(null);
  const [checked, setChecked] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fail = useCallback((err: unknown) => setError(err instanceof ApiError ? errorText(err.code) : t('error.network')), [errorText, t]);

  useEffect(() => {
    setState(null);
    setChecked(false);
    fetchAttestation(api, chatId).then(setState, fail);
  }, [api, chatId, fail]);

  const verify = () => {
    setError(null);
    fetchAttestation(api, chatId).then((s) => {
      setState(s);
      setChecked(true);
    }, fail);
  };
  const attest = () => {
    setError(null);
    attestChat(api, chatId).then(() => fetchAttestation(api, chatId)).then((s) => {
      setState(s);
      setChecked(true);
    }, fail);
  };
  const download = () =>
    fetchBundle(api, chatId).then((blob) => {
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `lotusdesk-attestation-${chatId}.json`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }, fail);

  if (!state) return null;
  const latest = state.entries.at(-1);
  const when = latest ? new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(latest.attestedAt)) : '';
  const overseer = me.role === 'supervisor' || me.role === 'admin';
  return (
    <div className="attestation" data-testid="attestation" data-attested={latest ? 'true' : 'false'} data-matches={checked ? String(state.matches) : undefined}>
      {latest ? <span className="chip">{t('at.attested', { time: when })}</span> : <span className="muted">{t('at.none')}</span>}
      {latest && (
        <button type="button" className="btn-secondary" onClick={verify} data-testid="attestation-verify">
          {t('at.verify')}
        </button>
      )}
      {latest && (
        <button type="button" className="btn-secondary" onClick={() => void download()}>
          {t('at.bundle')}
        </button>
      )}
      {overseer && (
        <button type="button" className="btn-secondary" onClick={attest} data-testid="attestation-attest">
          {t('at.attest')}
        </button>
      )}
      <span role="status">{checked && latest ? (state.matches ? `✓ ${t('at.matches')}` : `✗ ${t('at.differs')}`) : ''}</span>
      {error && (
        <span className="alert" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
