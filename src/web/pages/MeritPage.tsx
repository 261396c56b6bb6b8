/**
 * 我的功德 (/merit): the member's merit level with progress to the next and its benefits, the
 * ledger with how each award was counted, the levels reached, the offers of their level (claimed
 * for a code), and the choice to appear on the daily leaderboard.
 */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../client/api';
import '../components/dharma/dharma.css';
import '../components/members/members.css';
import { claimOffer, chooseLeaderboard, fetchLeaderboardChoice, fetchLevels, fetchMyMerit, fetchOffers, type Localized, type MeritLevel, type MeritStanding, type Offer } from '../components/members/membersApi';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { useSession } from '../session';

/** The member's merit page. */
export function MeritPage() {
  const { api } = useSession();
  const { t, locale, errorText } = useI18n();
  const [merit, setMerit] = useState<MeritStanding | null>(null);
  const [offers, setOffers] = useState<Offer[]>([]);
  const [levels, setLevels] = useState<MeritLevel[]>([]);
  const [error, setError] = useState<string | null>(null);
  const name = (l: Localized) => l[locale];
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });

  const load = useCallback(async () => {
    try {
      const [m, o, l] = await Promise.all([fetchMyMerit(api), fetchOffers(api), fetchLevels(api)]);
      setMerit(m);
      setOffers(o);
      setLevels(l);
    } catch (err) {
      setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));
    }
  }, [api, errorText, t]);
  useEffect(() => void load(), [load]);

  const claim = async (id: string) => {
    try {
      const code = await claimOffer(api, id);
      setOffers((list) => list.map((o) => (o.id === id ? { ...o, claimed: true, code } : o)));
    } catch (err) {
      setError(err instanceof ApiError ? errorText(err.code) : t('error.network'));
    }
  };

  if (!merit) return <div className="dh-page">{error ? <p className="alert" role="alert">{error}</p> : <p role="status">{t('app.loading')}</p>}</div>;
  const span = merit.nextLevel ? merit.nextLevel.minMerit - merit.level.minMerit : 1;
  const done = merit.nextLevel ? Math.round((100 * (merit.total - merit.level.minMerit)) / span) : 100;
  const levelName = (id: string) => {
    const level = levels.find((l) => l.id === id);
    return level ? name(level.name) : id;
  };
  return (
    <div className="dh-page" data-testid="merit-page">
      <header className="dh-head">
        <h1>{t('mb.merit.title')}</h1>
      </header>
      {error && <p className="alert" role="alert">{error}</p>}
      <div className="dh-grid">
        <div className="dh-col">
          <section className="dh-card" aria-labelledby="mb-level-h" data-testid="merit-level" data-level={merit.level.id} data-total={merit.total}>
            <h2 id="mb-level-h">{t('mb.merit.level')}</h2>
            <div className="mb-level">
              <p className="mb-level-name">{name(merit.level.name)}</p>
              <span>{t('mb.merit.total', { total: merit.total })}</span>
            </div>
            <div className="mb-progress" role="progressbar" aria-label={t('mb.merit.progress')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={done}>
              <span style={{ width: `${done}%` }} />
            </div>
            <p data-testid="merit-to-next">{merit.nextLevel ? t('mb.merit.toNext', { level: name(merit.nextLevel.name), n: merit.toNext }) : t('mb.merit.top')}</p>
            <h3>{t('mb.merit.benefits')}</h3>
            {merit.level.benefits.length ? (
              <ul>{merit.level.benefits.map((b, i) => <li key={i}>{name(b)}</li>)}</ul>
            ) : (
              <p className="muted">{t('mb.merit.noBenefits')}</p>
            )}
            <h3>{t('mb.history.title')}</h3>
            <ol data-testid="level-history">
              {merit.history.map((h) => (
                <li key={h.levelId}>
                  {h.levelId === merit.level.id ? <strong>{levelName(h.levelId)}</strong> : levelName(h.levelId)} · {h.at ? date.format(new Date(h.at)) : t('mb.history.start')}
                </li>
              ))}
            </ol>
          </section>
          <OffersCard offers={offers} onClaim={claim} />
          <LeaderboardChoiceCard />
        </div>
        <section className="dh-card" aria-labelledby="mb-ledger-h">
          <h2 id="mb-ledger-h">{t('mb.ledger.title')}</h2>
          <p className="muted">{t('mb.ledger.help')}</p>
          {merit.entries.length ? (
            <div className="dh-scroll">
              <table className="dh-table" data-testid="merit-ledger">
                <thead>
                  <tr>
                    <th scope="col">{t('mb.ledger.date')}</th>
                    <th scope="col">{t('mb.ledger.parts')}</th>
                    <th scope="col" className="num">{t('mb.ledger.points')}</th>
                  </tr>
                </thead>
                <tbody>
                  {merit.entries.map((e) => (
                    <tr key={e.id}>
                      <td>{date.format(new Date(e.createdAt))}</td>
                      <td>{t('mb.ledger.partsText', { ...e.parts })}</td>
                      <td className="num">+{e.points}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">{t('mb.ledger.empty')}</p>
          )}
        </section>
      </div>
    </div>
  );
}

function OffersCard({ offers, onClaim }: { offers: Offer[]; onClaim(id: string): Promise<void> }) {
  const { t, locale } = useI18n();
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  return (
    <section className="dh-card" aria-labelledby="mb-offers-h">
      <h2 id="mb-offers-h">{t('mb.offers.title')}</h2>
      {offers.length ? (
        <ul className="mb-offers" data-testid="offers">
          {offers.map((o) => (
            <li key={o.id} className="mb-offer" data-testid="offer" data-offer-id={o.id}>
              <h3>{o.title}</h3>
              {o.body && <p>{o.body}</p>}
              <p className="muted">{t('mb.offers.until', { date: date.format(new Date(o.endsAt)) })}</p>
              {o.code ? (
                <output className="mb-code" data-testid="offer-code">{t('mb.offers.code', { code: o.code })}</output>
              ) : (
                <button type="button" className="btn-primary dh-small" onClick={() => void onClaim(o.id)} data-testid="offer-claim" aria-label={`${t('mb.offers.claim')} ${o.title}`}>
                  {t('mb.offers.claim')}
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('mb.offers.empty')}</p>
      )}
    </section>
  );
}

function LeaderboardChoiceCard() {
  const { api } = useSession();
  const { t, errorText } = useI18n();
  const [optIn, setOptIn] = useState(false);
  const [alias, setAlias] = useState('');
  const [status, setStatus] = useState('');
  const id = useId();
  useEffect(() => {
    fetchLeaderboardChoice(api).then((c) => {
      setOptIn(c.optIn);
      setAlias(c.alias);
    }, () => {});
  }, [api]);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const c = await chooseLeaderboard(api, optIn, alias);
      setAlias(c.alias);
      setStatus(t('mb.lb.saved'));
    } catch (err) {
      setStatus(err instanceof ApiError ? errorText(err.code) : t('error.network'));
    }
  };
  return (
    <section className="dh-card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('mb.lb.title')}</h2>
      <p className="muted">{t('mb.lb.help')}</p>
      <form onSubmit={save} className="dh-stack" data-testid="leaderboard-choice">
        <label className="dh-row">
          <input type="checkbox" checked={optIn} onChange={(e) => setOptIn(e.target.checked)} data-testid="leaderboard-optin" />
          {t('mb.lb.optIn')}
        </label>
        <label htmlFor={`${id}-alias`}>{t('mb.lb.alias')}</label>
        <input id={`${id}-alias`} value={alias} maxLength={20} onChange={(e) => setAlias(e.target.value)} data-testid="leaderboard-alias" />
        <div className="dh-row">
          <button type="submit" className="btn-primary">{t('mb.lb.save')}</button>
          <Link href="/leaderboard">{t('mb.lb.view')}</Link>
        </div>
        <p className="dh-status" role="status">{status}</p>
      </form>
    </section>
  );
}
