/**
 * The one i18n layer: message catalogues per locale (zh-TW default), a `t` function typed on the
 * catalogue's keys, the choice remembered in localStorage, and error codes as localized text.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { LOCALES, type ErrorCode, type Locale } from '../../shared/protocol';
import { fileSize } from '../components/format';
import { en } from './en';
import { zhCN } from './zh-CN';
import { zhTW, type MessageKey } from './zh-TW';

export type { MessageKey };

const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { 'zh-TW': zhTW, 'zh-CN': zhCN, en };
const STORAGE_KEY = 'lotusdesk.locale';
const HTML_LANG: Record<Locale, string> = { 'zh-TW': 'zh-Hant-TW', 'zh-CN': 'zh-Hans-CN', en: 'en' };

/** Fills `{name}` placeholders. */
export function format(template: string, vars?: Record<string, string | number>): string {
  return vars ? template.replace(/\{(\w+)\}/g, (all, k: string) => (k in vars ? String(vars[k]) : all)) : template;
}

/** Translates a key in a locale (outside React, e.g. for tests). */
export function translate(locale: Locale, key: MessageKey, vars?: Record<string, string | number>): string {
  return format(CATALOGUES[locale][key] ?? zhTW[key], vars);
}

function initialLocale(): Locale {
  const fromQuery = new URLSearchParams(location.search).get('lang');
  if (fromQuery && (LOCALES as readonly string[]).includes(fromQuery)) return fromQuery as Locale;
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as Locale;
  } catch {
    // storage blocked (some embedded iframes): fall through to the default
  }
  return 'zh-TW';
}

export interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** The user-facing text of a contract error code. */
  errorText(code: ErrorCode | string, details?: Record<string, unknown>): string;
  time(iso: string): string;
}

const I18nContext = createContext<I18n | null>(null);

/** Provides the current locale to the tree. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  useEffect(() => {
    document.documentElement.lang = HTML_LANG[locale];
  }, [locale]);
  const setLocale = useCallback((l: Locale) => {
    setLocaleState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // not remembered, still switched
    }
  }, []);
  const value = useMemo<I18n>(() => {
    const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars);
    const timeFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
    return {
      locale,
      setLocale,
      t,
      errorText(code, details) {
        // Upload refusals carry a reason that says more than the code (`invalid` alone is vague).
        const reasonKey = `upload.${String(details?.reason ?? '')}` as MessageKey;
        if (details?.field === 'file' && reasonKey in zhTW) {
          const max = typeof details.max === 'number' ? fileSize(details.max) : '';
          return t(reasonKey, { max });
        }
        const key = `error.${code}` as MessageKey;
        const base = key in zhTW ? t(key) : t('error.internal');
        if (code === 'rate_limited' && typeof details?.retryAfterMs === 'number') return `${base} ${t('error.retryAfter', { seconds: Math.ceil(details.retryAfterMs / 1000) })}`;
        return base;
      },
      time: (iso) => timeFormat.format(new Date(iso)),
    };
  }, [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The current locale and translation functions. */
export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
