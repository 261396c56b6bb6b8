/**
 * What the citation check says, shown where people write: the authentic passage beside a refused
 * misquote (agents and masters, so they can correct it), the marks agents see on members'
 * messages (unverified or near quotes, content flagged for review, masked words), and one
 * citation result as the admin page's "try a text" box reports it.
 */
import type { MessageFlag } from '../../../shared/protocol';
import './dharma.css';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { closeEnough, type CitationResult, type CitationStatus } from './dharmaApi';

/** The part of a refusal's or flag's details these views read (both wire shapes). */
interface CitationDetail {
  sutra?: string | null;
  taisho?: string | null;
  quote?: string;
  claimed?: string;
  status?: CitationStatus;
  closestPassage?: string | null;
  passage?: string;
  distance?: number | null;
  foundIn?: { title: string; taisho: string | null };
  inCorpus?: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

function asDetail(d: Record<string, unknown> | undefined): CitationDetail {
  return (d ?? {}) as CitationDetail;
}

/** "般若波羅蜜多心經（大正藏 T0251）" in the user's language. */
function SutraName({ title, taisho }: { title: string; taisho: string | null | undefined }) {
  const { t } = useI18n();
  return (
    <cite className="dh-sutra">
      {title}
      {taisho && <span className="dh-taisho">{t('dh.cite.taisho', { n: taisho })}</span>}
    </cite>
  );
}

/**
 * A refused misquote (an agent's or master's message, or an admin's reply rule): what was written,
 * the sutra it was attributed to with its Taishō number, and the closest authentic passage. For a
 * message, `onUse` puts the authentic words in place when they are a close match.
 */
export function CitationRefusal({ details, onUse, context = 'send', id }: { details?: Record<string, unknown>; onUse?: (quote: string, passage: string) => void; context?: 'send' | 'save'; id?: string }) {
  const { t } = useI18n();
  const d = asDetail(details);
  const passage = str(d.closestPassage) ?? str(d.passage);
  const quote = str(d.quote);
  const head = d.status === 'misattributed' ? 'dh.cite.misattributedIn' : 'dh.cite.notIn';
  // A passage many characters away is only the nearest string, not the words the quote meant:
  // say so, so nobody takes it for the authentic version of the quote.
  const close = !!quote && closeEnough(quote, d.distance);
  return (
    <div className="dh-refusal" id={id} data-testid="citation-refusal">
      <p className="dh-refusal-head">
        {t(head, { sutra: d.sutra ?? '' })}
        {context === 'send' && t('dh.cite.keptInBox')}
      </p>
      <dl className="dh-compare">
        {quote && (
          <div className="dh-yours">
            <dt>{t('dh.cite.yourQuote')}</dt>
            <dd>
              <q>{quote}</q>
            </dd>
          </div>
        )}
        <div className="dh-authentic">
          <dt>{t(passage && !close && d.status !== 'misattributed' ? 'dh.cite.literalOnly' : 'dh.cite.authentic')}</dt>
          <dd>
            {passage ? <blockquote data-testid="authentic-passage" className={close ? undefined : 'muted'}>{passage}</blockquote> : <span className="muted">{t('dh.cite.noPassage')}</span>}
            <p className="dh-source">
              <SutraName title={str(d.sutra) ?? ''} taisho={d.taisho} />
            </p>
          </dd>
        </div>
        {d.foundIn && (
          <div>
            <dt>{t('dh.cite.foundIn')}</dt>
            <dd>
              <SutraName title={d.foundIn.title} taisho={d.foundIn.taisho} />
            </dd>
          </div>
        )}
      </dl>
      {d.inCorpus === false && <p className="dh-nowhere" data-testid="citation-nowhere">{t('dh.cite.nowhere')}</p>}
      {onUse && quote && passage && d.status !== 'misattributed' && close && (
        <button type="button" className="btn-secondary dh-use" onClick={() => onUse(quote, passage)} data-testid="use-authentic">
          {t('dh.cite.useAuthentic')}
        </button>
      )}
    </div>
  );
}

const STATUS_KEY: Record<CitationStatus, MessageKey> = {
  exact: 'dh.status.exact',
  variant: 'dh.status.variant',
  near: 'dh.status.near',
  misquote: 'dh.status.misquote',
  misattributed: 'dh.status.misattributed',
  unknown_sutra: 'dh.status.unknown_sutra',
  not_in_corpus: 'dh.status.not_in_corpus',
  too_short: 'dh.status.too_short',
  not_checked: 'dh.status.not_checked',
};

/** The words for a citation status ("與經文相符", "近似引用"…). */
export function useStatusText(): (s: CitationStatus | undefined) => string {
  const { t } = useI18n();
  return (s) => (s && s in STATUS_KEY ? t(STATUS_KEY[s]) : t('dh.status.unknown_sutra'));
}

/** One checked citation: status, what was quoted, the sutra and the authentic passage when it differs. */
export function CitationLine({ c }: { c: CitationDetail | CitationResult }) {
  const { t } = useI18n();
  const statusText = useStatusText();
  // Flags carry the sutra's title as a string; the dry run carries the sutra object.
  const d = c as Omit<CitationDetail, 'sutra'> & { sutra?: string | { title: string; taisho: string | null } | null };
  const sutra = typeof d.sutra === 'object' && d.sutra ? d.sutra : null;
  const title = sutra ? sutra.title : str(d.sutra);
  const taisho = sutra ? sutra.taisho : d.taisho;
  const passage = str(d.passage) ?? str(d.closestPassage);
  const showPassage = passage && d.status !== 'exact';
  return (
    <div className={`dh-cite dh-cite-${d.status ?? 'unknown'}`} data-status={d.status}>
      <p className="dh-cite-head">
        <span className="dh-cite-status">{statusText(d.status)}</span>
        {d.quote && (
          <>
            {' '}
            <q>{d.quote}</q>
          </>
        )}
        {' · '}
        {title ? <SutraName title={title} taisho={taisho} /> : <span>{t('dh.cite.claimed', { name: d.claimed ?? '' })}</span>}
      </p>
      {showPassage && (
        <p className="dh-cite-passage">
          <span className="dh-label">{t('dh.cite.authentic')}</span>
          {t('dh.colon')}
          <span data-testid="citation-passage">{passage}</span>
        </p>
      )}
      {d.inCorpus === false && <p className="dh-cite-passage dh-nowhere">{t('dh.cite.nowhere')}</p>}
      {d.foundIn && (
        <p className="dh-cite-passage">
          <span className="dh-label">{t('dh.cite.foundIn')}</span>
          {t('dh.colon')}
          <SutraName title={d.foundIn.title} taisho={d.foundIn.taisho} />
        </p>
      )}
    </div>
  );
}

/** True when a flag deserves the agent's eye (a citation worth a look, or reviewed content). */
function noteworthy(f: MessageFlag): boolean {
  if (f.kind === 'citation') return ['near', 'variant'].includes((f.detail as CitationDetail | undefined)?.status ?? '');
  return f.kind === 'unverified_citation' || f.kind === 'content' || f.kind === 'masked';
}

/** Marks under a member's message for staff: unverified or near quotes, flagged or masked content. */
export function MessageMarks({ flags }: { flags?: MessageFlag[] }) {
  const { t } = useI18n();
  const { me } = useSession();
  // The member is not told their quote is under review: the agent answers it kindly in person.
  const shown = me.role === 'member' ? [] : (flags ?? []).filter(noteworthy);
  if (!shown.length) return null;
  return (
    <ul className="dh-marks" aria-label={t('dh.marks.label')} data-testid="message-marks">
      {shown.map((f, i) => (
        <li key={i} className={`dh-mark dh-mark-${f.kind}`} data-kind={f.kind}>
          {f.kind === 'content' ? (
            <span>
              <strong>{t('dh.marks.content')}</strong> {list(f.detail?.terms)}
            </span>
          ) : f.kind === 'masked' ? (
            <strong>{t('dh.marks.masked', { n: Number(f.detail?.count ?? 1) })}</strong>
          ) : (
            <>
              <strong className="dh-mark-title">{t(f.kind === 'unverified_citation' ? 'dh.marks.unverified' : 'dh.marks.near')}</strong>
              <CitationLine c={asDetail(f.detail)} />
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

function list(v: unknown): string {
  return Array.isArray(v) ? v.map(String).join('、') : '';
}
