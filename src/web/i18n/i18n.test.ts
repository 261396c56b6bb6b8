/** The catalogues: every error code of the contract has a message in every locale; nothing is blank. */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, LOCALES } from '../../shared/protocol';
import { en } from './en';
import { format, translate, type MessageKey } from './index';
import { zhCN } from './zh-CN';
import { zhTW } from './zh-TW';

describe('i18n catalogues', () => {
  it('have the same keys and no blank text', () => {
    const keys = Object.keys(zhTW).sort();
    for (const cat of [zhCN, en]) {
      expect(Object.keys(cat).sort()).toEqual(keys);
      for (const [k, v] of Object.entries(cat)) expect(v.trim(), k).not.toBe('');
    }
  });

  it('localize every error code of the contract in every locale, differently per language', () => {
    for (const code of ERROR_CODES) {
      const key = `error.${code}` as MessageKey;
      expect(key in zhTW, key).toBe(true);
      const texts = LOCALES.map((l) => translate(l, key));
      expect(new Set(texts).size, key).toBe(LOCALES.length);
    }
  });

  it('keeps placeholders in every translation', () => {
    for (const [key, template] of Object.entries(zhTW)) {
      const vars = template.match(/\{\w+\}/g) ?? [];
      for (const cat of [zhCN, en]) for (const v of vars) expect(cat[key as MessageKey], `${key} ${v}`).toContain(v);
    }
    expect(format('{n} ahead', { n: 3 })).toBe('3 ahead');
    expect(translate('en', 'queue.position', { n: 2 })).toBe('You are number 2 in the queue');
  });
});
