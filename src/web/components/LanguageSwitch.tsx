/** Language picker (zh-TW, zh-CN, en); the choice is remembered by the i18n layer. */
import { useId } from 'react';
import { LOCALES, type Locale } from '../../shared/protocol';
import { useI18n } from '../i18n';

const NAMES: Record<Locale, string> = { 'zh-TW': '繁體中文', 'zh-CN': '简体中文', en: 'English' };

/** A labelled select for the UI language. */
export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  const id = useId();
  return (
    <span className="lang-switch">
      <label htmlFor={id} className="sr-only">
        {t('app.language')}
      </label>
      <select id={id} value={locale} onChange={(e) => setLocale(e.target.value as Locale)} data-testid="language">
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {NAMES[l]}
          </option>
        ))}
      </select>
    </span>
  );
}
