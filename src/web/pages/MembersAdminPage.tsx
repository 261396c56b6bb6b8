/**
 * 會員等級與優惠 (/members-admin, admins): the merit levels (names in three languages, threshold,
 * benefits) saved as a whole list, and the exclusive offers by level with codes, periods and claims.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../client/api';
import '../components/dharma/dharma.css';
import '../components/members/members.css';
import { createOffer, deleteOffer, fetchLevels, fetchOffers, saveLevels, type MeritLevel, type Offer, type OfferDraft } from '../components/members/membersApi';
import { useI18n } from '../i18n';
import { useSession } from '../session';

/** A level as edited: benefits as one text per language, one benefit a line. */
interface LevelDraft {
  id: string;
  minMerit: string;
  name: MeritLevel['name'];
  benefits: MeritLevel['name'];
}

const toDraft = (l: MeritLevel): LevelDraft => ({
  id: l.id,
  minMerit: String(l.minMerit),
  name: l.name,
  benefits: { 'zh-TW': l.benefits.map((b) => b['zh-TW']).join('\n'), 'zh-CN': l.benefits.map((b) => b['zh-CN']).join('\n'), en: l.benefits.map((b) => b.en).join('\n') },
});

const lines = (s: string) => s.split('\n').map((x) => x.trim()).filter(Boolean);

/** The admin page of levels and offers. */
export function MembersAdminPage() {
  const { t } = useI18n();
  const [levels, setLevels] = useState<MeritLevel[]>([]);
  return (
    <div className="dh-page" data-testid="members-admin">
      <header className="dh-head">
        <h1>{t('mb.admin.title')}</h1>
      </header>
      <div className="dh-col">
        <LevelsCard onLevels={setLevels} />
        <OffersAdminCard levels={levels} />
      </div>
    </div>
  );
}

function LevelsCard({ onLevels }: { onLevels(l: MeritLevel[]): void }) {
  const { api } = useSession();
  const { t, errorText } = useI18n();
  const [drafts, setDrafts] = useState<LevelDraft[]>([]);
  const [status, setStatus] = useState('');
  useEffect(() => {
    fetchLevels(api).then((l) => {
      setDrafts(l.map(toDraft));
      onLevels(l);
    }, () => {});
  }, [api, onLevels]);
  const edit = (i: number, patch: Partial<LevelDraft>) => setDrafts((d) => d.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const levels: MeritLevel[] = [];
    for (const d of drafts) {
      const [tw, cn, en] = [lines(d.benefits['zh-TW']), lines(d.benefits['zh-CN']), lines(d.benefits.en)];
      if (tw.length !== cn.length || tw.length !== en.length) {
        setStatus(t('mb.admin.benefitsMismatch'));
        return;
      }
      levels.push({ id: d.id.trim(), minMerit: Number(d.minMerit), name: d.name, benefits: tw.map((x, i) => ({ 'zh-TW': x, 'zh-CN': cn[i], en: en[i] })) });
    }
    try {
      const saved = await saveLevels(api, levels);
      setDrafts(saved.map(toDraft));
      onLevels(saved);
      setStatus(t('mb.admin.saved'));
    } catch (err) {
      const inUse = err instanceof ApiError && err.details?.reason === 'level_in_use';
      setStatus(inUse ? t('mb.admin.levelInUse') : err instanceof ApiError ? errorText(err.code, err.details) : t('error.network'));
    }
  };
  const empty = { 'zh-TW': '', 'zh-CN': '', en: '' };
  return (
    <section className="dh-card" aria-labelledby="mb-levels-h">
      <h2 id="mb-levels-h">{t('mb.admin.levels')}</h2>
      <p className="muted">{t('mb.admin.levelsHelp')}</p>
      <form onSubmit={save}>
        <div className="dh-scroll">
          <table className="dh-table mb-levels" data-testid="levels-table">
            <thead>
              <tr>
                {(['mb.admin.id', 'mb.admin.minMerit', 'mb.admin.nameTW', 'mb.admin.nameCN', 'mb.admin.nameEn', 'mb.admin.benefitsTW', 'mb.admin.benefitsCN', 'mb.admin.benefitsEn'] as const).map((k) => (
                  <th key={k} scope="col">{t(k)}</th>
                ))}
                <th scope="col"><span className="sr-only">{t('dh.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {drafts.map((d, i) => (
                <tr key={i} data-testid="level-row">
                  <td><input aria-label={`${t('mb.admin.id')} ${i + 1}`} value={d.id} onChange={(e) => edit(i, { id: e.target.value })} /></td>
                  <td><input aria-label={`${t('mb.admin.minMerit')} ${i + 1}`} type="number" min={0} value={d.minMerit} onChange={(e) => edit(i, { minMerit: e.target.value })} /></td>
                  {(['zh-TW', 'zh-CN', 'en'] as const).map((loc, k) => (
                    <td key={loc}><input aria-label={`${t((['mb.admin.nameTW', 'mb.admin.nameCN', 'mb.admin.nameEn'] as const)[k])} ${i + 1}`} value={d.name[loc]} onChange={(e) => edit(i, { name: { ...d.name, [loc]: e.target.value } })} /></td>
                  ))}
                  {(['zh-TW', 'zh-CN', 'en'] as const).map((loc, k) => (
                    <td key={loc}><textarea rows={2} aria-label={`${t((['mb.admin.benefitsTW', 'mb.admin.benefitsCN', 'mb.admin.benefitsEn'] as const)[k])} ${i + 1}`} value={d.benefits[loc]} onChange={(e) => edit(i, { benefits: { ...d.benefits, [loc]: e.target.value } })} /></td>
                  ))}
                  <td><button type="button" className="btn-secondary dh-small" onClick={() => setDrafts((x) => x.filter((_, j) => j !== i))}>{t('mb.admin.removeLevel')}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="dh-row">
          <button type="button" className="btn-secondary" onClick={() => setDrafts((d) => [...d, { id: '', minMerit: '', name: empty, benefits: empty }])}>{t('mb.admin.addLevel')}</button>
          <button type="submit" className="btn-primary" data-testid="levels-save">{t('mb.admin.saveLevels')}</button>
        </div>
        <p className="dh-status" role="status">{status}</p>
      </form>
    </section>
  );
}

function OffersAdminCard({ levels }: { levels: MeritLevel[] }) {
  const { api } = useSession();
  const { t, locale, errorText } = useI18n();
  const [offers, setOffers] = useState<Offer[]>([]);
  const [status, setStatus] = useState('');
  const blank: OfferDraft = { title: '', body: '', minLevel: '', code: '', startsAt: '', endsAt: '' };
  const [draft, setDraft] = useState<OfferDraft>(blank);
  const load = useCallback(() => fetchOffers(api).then(setOffers, () => {}), [api]);
  useEffect(() => void load(), [load]);
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const levelName = (id: string) => levels.find((l) => l.id === id)?.name[locale] ?? id;
  const add = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await createOffer(api, { ...draft, minLevel: draft.minLevel || levels[0]?.id || '', startsAt: new Date(draft.startsAt).toISOString(), endsAt: new Date(draft.endsAt).toISOString() });
      setDraft(blank);
      setStatus(t('mb.admin.saved'));
      await load();
    } catch (err) {
      setStatus(err instanceof ApiError ? errorText(err.code, err.details) : t('error.network'));
    }
  };
  const remove = async (id: string) => {
    await deleteOffer(api, id).catch(() => {});
    await load();
  };
  const field = (k: keyof OfferDraft) => ({ value: draft[k], onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value })) });
  return (
    <section className="dh-card" aria-labelledby="mb-offers-admin-h">
      <h2 id="mb-offers-admin-h">{t('mb.admin.offers')}</h2>
      {offers.length ? (
        <div className="dh-scroll">
          <table className="dh-table" data-testid="offers-table">
            <thead>
              <tr>
                <th scope="col">{t('mb.admin.offerTitle')}</th>
                <th scope="col">{t('mb.admin.offerLevel')}</th>
                <th scope="col">{t('mb.admin.offerCode')}</th>
                <th scope="col">{t('mb.admin.offerStarts')}</th>
                <th scope="col">{t('mb.admin.offerEnds')}</th>
                <th scope="col" className="num">{t('mb.admin.offerClaims')}</th>
                <th scope="col"><span className="sr-only">{t('dh.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {offers.map((o) => (
                <tr key={o.id} data-testid="offer-row">
                  <th scope="row">{o.title}</th>
                  <td>{levelName(o.minLevel)}</td>
                  <td><code>{o.code}</code></td>
                  <td>{date.format(new Date(o.startsAt))}</td>
                  <td>{date.format(new Date(o.endsAt))}</td>
                  <td className="num" data-testid="offer-claims">{o.claims ?? 0}</td>
                  <td><button type="button" className="btn-secondary dh-small" onClick={() => void remove(o.id)}>{t('mb.admin.deleteOffer')}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t('mb.admin.noOffers')}</p>
      )}
      <form className="mb-form" onSubmit={add} data-testid="offer-form" style={{ marginTop: 12 }}>
        <label htmlFor="mb-offer-title">{t('mb.admin.offerTitle')}</label>
        <input id="mb-offer-title" required maxLength={100} {...field('title')} />
        <label htmlFor="mb-offer-body">{t('mb.admin.offerBody')}</label>
        <textarea id="mb-offer-body" rows={2} maxLength={2000} {...field('body')} />
        <label htmlFor="mb-offer-level">{t('mb.admin.offerLevel')}</label>
        <select id="mb-offer-level" {...field('minLevel')}>
          {levels.map((l) => <option key={l.id} value={l.id}>{l.name[locale]} ({l.minMerit})</option>)}
        </select>
        <label htmlFor="mb-offer-code">{t('mb.admin.offerCode')}</label>
        <input id="mb-offer-code" required maxLength={64} {...field('code')} />
        <label htmlFor="mb-offer-starts">{t('mb.admin.offerStarts')}</label>
        <input id="mb-offer-starts" type="datetime-local" required {...field('startsAt')} />
        <label htmlFor="mb-offer-ends">{t('mb.admin.offerEnds')}</label>
        <input id="mb-offer-ends" type="datetime-local" required {...field('endsAt')} />
        <div className="mb-actions dh-row">
          <button type="submit" className="btn-primary">{t('mb.admin.addOffer')}</button>
        </div>
        <p className="dh-status mb-actions" role="status">{status}</p>
      </form>
    </section>
  );
}
