/**
 * User-facing error messages per locale (zh-TW default, zh-CN, en). The code is the contract;
 * the message is for people.
 */
import type { ErrorCode, Locale } from '../../shared/protocol';
import { LOCALES } from '../../shared/protocol';

const MESSAGES: Record<ErrorCode, Record<Locale, string>> = {
  unauthenticated: { 'zh-TW': '請先登入，或登入已過期。', 'zh-CN': '请先登录，或登录已过期。', en: 'Please sign in; your session is missing or expired.' },
  forbidden: { 'zh-TW': '您沒有權限執行此操作。', 'zh-CN': '您没有权限执行此操作。', en: 'You are not allowed to do this.' },
  not_found: { 'zh-TW': '找不到此對話或資源。', 'zh-CN': '找不到此对话或资源。', en: 'Not found.' },
  invalid: { 'zh-TW': '請求格式不正確。', 'zh-CN': '请求格式不正确。', en: 'The request is not valid.' },
  too_large: { 'zh-TW': '內容過大。', 'zh-CN': '内容过大。', en: 'The content is too large.' },
  rate_limited: { 'zh-TW': '傳送太頻繁，請稍候再試。', 'zh-CN': '发送太频繁，请稍候再试。', en: 'Too many requests; please slow down.' },
  chat_closed: { 'zh-TW': '此對話已結束。', 'zh-CN': '此对话已结束。', en: 'This chat is closed.' },
  forbidden_content: { 'zh-TW': '訊息含有不允許的內容，未送出。', 'zh-CN': '消息含有不允许的内容，未发送。', en: 'The message contains content that is not allowed; it was not sent.' },
  unverified_citation: { 'zh-TW': '引用的經文與經典原文不符，請核對後再送出。', 'zh-CN': '引用的经文与经典原文不符，请核对后再发送。', en: 'The quoted sutra words do not match the canonical text; please check them.' },
  conflict: { 'zh-TW': '此對話已由其他人接聽。', 'zh-CN': '此对话已由其他人接听。', en: 'Someone else already holds this chat.' },
  internal: { 'zh-TW': '伺服器發生錯誤，訊息未儲存，請重試。', 'zh-CN': '服务器发生错误，消息未保存，请重试。', en: 'Server error; nothing was stored. Please retry.' },
};

/** The message for an error code in the given locale. */
export function errorMessage(code: ErrorCode, locale: Locale = 'zh-TW'): string {
  return MESSAGES[code][locale] ?? MESSAGES[code]['zh-TW'];
}

/** Picks a supported locale from an Accept-Language header or a hello locale; zh-TW by default. */
export function pickLocale(input: string | undefined | null): Locale {
  if (!input) return 'zh-TW';
  for (const part of input.split(',')) {
    const tag = part.split(';')[0].trim().toLowerCase();
    if (!tag) continue;
    const exact = LOCALES.find((l) => l.toLowerCase() === tag);
    if (exact) return exact;
    if (tag === 'zh-hans' || tag === 'zh-sg' || tag.startsWith('zh-hans')) return 'zh-CN';
    if (tag.startsWith('zh')) return 'zh-TW';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh-TW';
}
