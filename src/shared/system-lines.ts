/**
 * System lines by code (docs/PROTOCOL.md part 2, "System lines in the reader's language"): a system
 * message carries `code` and `params`, and each client renders it in its own locale from these
 * templates; the server stores the zh-TW rendering as the message's `text`, from the same table,
 * so the stored text and the clients' zh-TW line never differ.
 */
import type { Locale } from './protocol';

/** Every system line's code with the names of its parameters. */
export interface SystemLineParams {
  'chat.assigned': { agent: string };
  'chat.transferred': { from: string; to: string };
  'chat.requeued': Record<string, never>;
  'chat.closed': { by: string };
  'chat.agent_offline': Record<string, never>;
  'chat.inactive': Record<string, never>;
  'merit.earned': { points: number; minutes: number; minutePoints: number; positive: number; positivePoints: number; quotes: number; quotePoints: number; total: number };
}

export type SystemLineCode = keyof SystemLineParams;

/** A system line as stored and sent: its code and parameters. */
export type SystemLine = { [C in SystemLineCode]: { code: C; params: SystemLineParams[C] } }[SystemLineCode];

/** The templates: `{name}` is replaced by the parameter of that name. */
export const SYSTEM_LINE_TEMPLATES: Record<Locale, Record<SystemLineCode, string>> = {
  'zh-TW': {
    'chat.assigned': '{agent} 已接聽，為您服務。',
    'chat.transferred': '對話已由 {from} 轉接給 {to}',
    'chat.requeued': '對話已轉回排隊佇列',
    'chat.closed': '對話已由 {by} 結束。',
    'chat.agent_offline': '服務人員已離線，已為您重新排隊，請稍候。',
    'chat.inactive': '因長時間沒有新訊息，對話已自動結束。如需協助，歡迎隨時再次開啟對話。',
    'merit.earned': '本次對話功德 +{points}（基本 10，對話 {minutes} 分鐘 +{minutePoints}，善語 {positive} 則 +{positivePoints}，經文引用 {quotes} 則 +{quotePoints}）。累計功德 {total}。隨喜您的善行，阿彌陀佛。',
  },
  'zh-CN': {
    'chat.assigned': '{agent} 已接听，为您服务。',
    'chat.transferred': '对话已由 {from} 转接给 {to}',
    'chat.requeued': '对话已转回排队队列',
    'chat.closed': '对话已由 {by} 结束。',
    'chat.agent_offline': '服务人员已离线，已为您重新排队，请稍候。',
    'chat.inactive': '因长时间没有新消息，对话已自动结束。如需协助，欢迎随时再次开启对话。',
    'merit.earned': '本次对话功德 +{points}（基本 10，对话 {minutes} 分钟 +{minutePoints}，善语 {positive} 则 +{positivePoints}，经文引用 {quotes} 则 +{quotePoints}）。累计功德 {total}。随喜您的善行，阿弥陀佛。',
  },
  en: {
    'chat.assigned': '{agent} has joined and will help you.',
    'chat.transferred': 'The chat was transferred from {from} to {to}.',
    'chat.requeued': 'The chat is back in the queue.',
    'chat.closed': 'The chat was closed by {by}.',
    'chat.agent_offline': 'Your agent went offline. You are back in the queue; please wait a moment.',
    'chat.inactive': 'The chat was closed after a long time without messages. Open a new one whenever you need help.',
    'merit.earned': 'Merit from this conversation: +{points} (base 10; {minutes} minutes +{minutePoints}; {positive} kind words +{positivePoints}; {quotes} sutra quotes +{quotePoints}). Total merit: {total}. We rejoice in your good deeds. Amituofo.',
  },
};

/** True when `code` names a known system line. */
export function isSystemLineCode(code: unknown): code is SystemLineCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(SYSTEM_LINE_TEMPLATES['zh-TW'], code);
}

/**
 * A system line in a locale; null for a code this build does not know (a newer server), so the
 * client falls back to the stored zh-TW text.
 */
export function renderSystemLine(locale: Locale, code: string, params: Record<string, string | number> | undefined): string | null {
  if (!isSystemLineCode(code)) return null;
  const template = SYSTEM_LINE_TEMPLATES[locale][code];
  return template.replace(/\{(\w+)\}/g, (all, k: string) => (params && k in params ? String(params[k]) : all));
}

/** A system line built with its zh-TW text (what the server stores as the message's `text`). */
export function systemLine<C extends SystemLineCode>(code: C, params: SystemLineParams[C]): SystemLine & { text: string } {
  const text = renderSystemLine('zh-TW', code, params as Record<string, string | number>)!;
  return { code, params, text } as SystemLine & { text: string };
}
