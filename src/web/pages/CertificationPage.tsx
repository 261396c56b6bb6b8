/**
 * 三寶認證 (/certification): the member's application and its status; when none waits and the
 * member is not certified, the form (refuge date, temple, master, Dharma name, certificate photo).
 */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../client/api';
import '../components/dharma/dharma.css';
import '../components/members/members.css';
import { applyCertification, fetchMyCertification, type Certification } from '../components/members/membersApi';
import { useI18n } from '../i18n';
import { useSession } from '../session';

/** The member's certification page. */
export function CertificationPage() {
  const { api, conn } = useSession();
  const { t } = useI18n();
  const [mine, setMine] = useState<Certification | null | undefined>(undefined);
  const load = useCallback(() => fetchMyCertification(api).then((r) => setMine(r.certification), () => setMine(null)), [api]);
  useEffect(() => void load(), [load]);
  // A decision made while the page is open shows at once.
  useEffect(() => conn.on('frame', (f) => void (f.type === 'certification' && load())), [conn, load]);

  return (
    <div className="dh-page" data-testid="certification-page">
      <header className="dh-head">
        <h1>{t('mb.cert.title')}</h1>
        <p className="muted">{t('mb.cert.help')}</p>
      </header>
      {mine === undefined && <p role="status">{t('app.loading')}</p>}
      {mine && (
        <section className="dh-card" data-testid="certification-status" data-status={mine.status}>
          <h2>
            {t(`mb.cert.status.${mine.status}`)} {mine.status === 'approved' && <span className="mb-mark">{t('mb.cert.mark')}</span>}
          </h2>
          <p>
            {mine.refugeDate} · {mine.refugeTemple} · {mine.master}
            {mine.dharmaName ? ` · ${mine.dharmaName}` : ''}
          </p>
          {mine.status === 'rejected' && mine.reason && <p className="alert">{t('mb.cert.reason', { reason: mine.reason })}</p>}
        </section>
      )}
      {mine !== undefined && (!mine || mine.status === 'rejected') && <ApplyForm onApplied={setMine} />}
    </div>
  );
}

function ApplyForm({ onApplied }: { onApplied(c: Certification): void }) {
  const { api } = useSession();
  const { t, errorText } = useI18n();
  const id = useId();
  const [f, setF] = useState({ refugeDate: '', refugeTemple: '', master: '', dharmaName: '', note: '' });
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((old) => ({ ...old, [k]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const photo = await api.upload(file, file.name);
      const c = await applyCertification(api, {
        refugeDate: f.refugeDate, refugeTemple: f.refugeTemple, master: f.master, attachments: [photo.id],
        ...(f.dharmaName.trim() ? { dharmaName: f.dharmaName } : {}), ...(f.note.trim() ? { note: f.note } : {}),
      });
      onApplied(c);
    } catch (err) {
      setError(err instanceof ApiError ? errorText(err.code, err.details) : t('error.network'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="dh-card">
      <form className="mb-form" onSubmit={submit} data-testid="certification-form">
        <label htmlFor={`${id}-date`}>{t('mb.cert.refugeDate')}</label>
        <input id={`${id}-date`} type="date" required value={f.refugeDate} onChange={set('refugeDate')} data-testid="cert-date" />
        <label htmlFor={`${id}-temple`}>{t('mb.cert.temple')}</label>
        <input id={`${id}-temple`} required maxLength={100} value={f.refugeTemple} onChange={set('refugeTemple')} data-testid="cert-temple" />
        <label htmlFor={`${id}-master`}>{t('mb.cert.master')}</label>
        <input id={`${id}-master`} required maxLength={60} value={f.master} onChange={set('master')} data-testid="cert-master" />
        <label htmlFor={`${id}-name`}>{t('mb.cert.dharmaName')}</label>
        <input id={`${id}-name`} maxLength={30} value={f.dharmaName} onChange={set('dharmaName')} data-testid="cert-dharma-name" />
        <label htmlFor={`${id}-note`}>{t('mb.cert.note')}</label>
        <textarea id={`${id}-note`} maxLength={500} rows={2} value={f.note} onChange={set('note')} />
        <label htmlFor={`${id}-photo`}>{t('mb.cert.photo')}</label>
        <input id={`${id}-photo`} type="file" required accept="image/*,application/pdf" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="cert-photo" />
        <div className="mb-actions dh-row">
          <button type="submit" className="btn-primary" disabled={busy} data-testid="cert-submit">{t('mb.cert.submit')}</button>
        </div>
        {error && <p className="alert mb-actions" role="alert">{error}</p>}
      </form>
    </section>
  );
}
