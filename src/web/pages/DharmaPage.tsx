/**
 * 佛法設定 (/dharma): the content filter (categories, terms, allow-list), a "try a text" box,
 * automatic replies (rules, compassion pool) and the sutra corpus. Admins edit; supervisors see
 * what the API lets them (categories, the dry run, the corpus). Tabs follow the ARIA tabs pattern.
 */
import { useRef, useState, type KeyboardEvent } from 'react';
import { AllowPanel } from '../components/dharma/AllowPanel';
import { CategoriesPanel } from '../components/dharma/CategoriesPanel';
import { CompassionPanel } from '../components/dharma/CompassionPanel';
import type { Category } from '../components/dharma/dharmaApi';
import { RulesPanel } from '../components/dharma/RulesPanel';
import { SutrasPanel } from '../components/dharma/SutrasPanel';
import { TermsPanel } from '../components/dharma/TermsPanel';
import { TryPanel } from '../components/dharma/TryPanel';
import '../components/dharma/dharma.css';
import { useI18n, type MessageKey } from '../i18n';
import { useSession } from '../session';

type Tab = 'filter' | 'try' | 'replies' | 'sutras';
const TABS: Array<{ id: Tab; label: MessageKey; adminOnly: boolean }> = [
  { id: 'filter', label: 'dh.tab.filter', adminOnly: false },
  { id: 'try', label: 'dh.tab.try', adminOnly: false },
  { id: 'replies', label: 'dh.tab.replies', adminOnly: true },
  { id: 'sutras', label: 'dh.tab.sutras', adminOnly: false },
];

/** The Dharma settings page. */
export function DharmaPage() {
  const { me } = useSession();
  const { t } = useI18n();
  const admin = me.role === 'admin';
  const tabs = TABS.filter((x) => admin || !x.adminOnly);
  const [tab, setTab] = useState<Tab>(() => {
    const want = new URLSearchParams(location.search).get('tab');
    return tabs.find((x) => x.id === want)?.id ?? 'filter';
  });
  const [categories, setCategories] = useState<Category[]>([]);
  const refs = useRef(new Map<Tab, HTMLButtonElement>());

  const choose = (id: Tab, focus = false) => {
    setTab(id);
    const url = new URL(location.href);
    url.searchParams.set('tab', id);
    history.replaceState(null, '', url.pathname + url.search);
    if (focus) refs.current.get(id)?.focus();
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = tabs.findIndex((x) => x.id === tab);
    const to = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : null;
    if (to === null) return;
    e.preventDefault();
    choose(tabs[(to + tabs.length) % tabs.length].id, true);
  };

  return (
    <div className="dh-page">
      <header className="dh-head">
        <h1>{t('dh.title')}</h1>
        {!admin && <p className="muted">{t('dh.readOnly')}</p>}
      </header>
      <div role="tablist" aria-label={t('dh.title')} className="dh-tabs" onKeyDown={onKey}>
        {tabs.map((x) => (
          <button
            key={x.id}
            ref={(el) => void (el ? refs.current.set(x.id, el) : refs.current.delete(x.id))}
            type="button"
            role="tab"
            id={`dh-tab-${x.id}`}
            aria-selected={tab === x.id}
            aria-controls={`dh-panel-${x.id}`}
            tabIndex={tab === x.id ? 0 : -1}
            onClick={() => choose(x.id)}
          >
            {t(x.label)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`dh-panel-${tab}`} aria-labelledby={`dh-tab-${tab}`} className="dh-panel" tabIndex={0}>
        {tab === 'filter' && (
          <div className="dh-grid">
            <div className="dh-col">
              <CategoriesPanel editable={admin} onChanged={setCategories} />
              {admin && <AllowPanel />}
            </div>
            {admin && <TermsPanel categories={categories} />}
          </div>
        )}
        {tab === 'try' && <TryPanel />}
        {tab === 'replies' && admin && (
          <div className="dh-grid">
            <RulesPanel />
            <CompassionPanel />
          </div>
        )}
        {tab === 'sutras' && <SutrasPanel editable={admin} />}
      </div>
    </div>
  );
}
