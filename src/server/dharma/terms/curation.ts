/**
 * Curation of the shipped lists for a Buddhist shop. The lists were written for general platforms
 * and contain what members say every day (法會, 師父, 阿彌陀佛, 圓滿…), single characters (法, 真,
 * 善, 忍, 藏) and words of distress. Nothing is silently deleted: a curated term is stored disabled
 * with the reason, so an admin can see it and turn it back on.
 */
import { normalizeText } from '../normalize';

/**
 * Buddhist terminology and ordinary shop vocabulary. An allowed term that covers a match
 * suppresses it (whole-term precedence): 法輪常轉 passes although 法輪 is listed, while 法輪功,
 * which no allowed term covers, is still caught.
 */
export const ALLOW_SEED: readonly string[] = [
  '法會', '大法會', '法輪', '轉法輪', '法輪常轉', '大法', '佛法', '正法', '妙法', '說法', '法門', '法喜', '法語', '法寶', '法器', '法身', '法王', '護法',
  '阿彌陀佛', '南無阿彌陀佛', '彌陀', '阿彌陀經', '師父', '師兄', '師姐', '法師', '上師', '弟子', '佛弟子', '善男子', '善女人', '善知識',
  '地藏', '地藏王', '地藏菩薩', '地藏王菩薩', '地藏經', '圓滿', '功德圓滿', '開發票', '發票', '身份證', '身分證',
  '活佛', '喇嘛', '密宗', '藏傳', '藏傳佛教', '西藏', '藏經', '大藏經', '真言', '真如', '忍辱', '仁波切', '轉世', '灌頂',
  '觀世音', '觀音', '觀自在', '菩薩', '如來', '世尊', '佛陀', '佛祖', '釋迦牟尼佛', '藥師佛', '大日如來', '大悲咒', '心經', '金剛經', '六字大明咒',
  '供養', '皈依', '三寶', '念佛', '往生', '往生者', '超度', '超渡', '超薦', '助念', '迴向', '回向', '懺悔', '布施', '持戒', '精進', '禪定', '般若',
  '涅槃', '輪迴', '因果', '業障', '業力', '放生', '素食', '吃素', '打坐', '禪修', '修行', '開示', '共修', '淨土', '極樂', '極樂世界',
  '經書', '佛珠', '念珠', '唐卡', '舍利', '舍利子', '點燈', '光明燈', '牌位', '消災', '祈福', '隨喜', '功德', '讚歎', '寺院', '道場', '出家',
  '比丘', '比丘尼', '居士', '和尚', '僧人', '住持', '方丈', '戒律', '五戒', '十善', '殺生', '不殺生', '戒殺', '邪淫', '不邪淫', '妄語',
  '解脫', '生死', '亡者', '亡靈', '中陰', '禮佛', '拜佛', '燒香', '上香', '香爐', '佛像', '佛堂', '供佛', '供品', '蓮花', '蓮位', '魔障', '降魔',
  '外道', '邪見', '正見', '八正道', '四聖諦', '十二因緣', '空性', '色即是空', '空即是色', '菩提', '菩提心', '發心', '發願', '願力', '加持',
  '護身符', '平安符', '開光', '結緣', '隨緣', '因緣', '善緣', '助印', '印經', '抄經', '誦經', '念經', '經文', '大師', '六祖',
  '付款', '支付', '訂單', '出貨', '退款', '快遞', '宅配', '信用卡', '轉帳', '匯款', '身體', '病痛', '煩惱',
  // What shoppers say to a shop's service desk (the ads list blocks several of these).
  '客服', '客服人員', '網路', '網絡', '到貨', '本店', '淘寶', '網購', '代理', '微店', '全套', '地址', '銀行卡', '時間', '希望', '發貨', '包郵',
  '送貨上門', '貨到付款', '聯繫人', '聯繫方式', '聯絡方式', '客戶服務', '服務人員', '第一次', '要不要', '這句話', '幾十年', '不信任', '複製', '負面',
  '鈴聲', '手機鈴聲', '和弦', '刺激', '自拍', '寫真', '設計師', '紅燒肉', '北京', '俄羅斯', '成人', '成人之美', '月經', '處女座', '祖宗', '五月天',
  '花花公子', '抵制', '小姐', '內褲', '下載速度', '人民幣', '集合', '聯繫電話', '聯絡電話',
];

/**
 * Words of distress are never refused: a member who writes them must reach a person (the desk
 * raises urgency for them). They also suppress any listed term they cover.
 */
export const DISTRESS_TERMS: readonly string[] = [
  '自殺', '自杀', '不想活', '活不下去', '想死', '輕生', '尋死', '割腕', '跳樓', '上吊', '結束生命', '了結生命', '自殘', '自我了斷', '燒炭', '不如死了',
];

export interface CurationInput {
  normalized: string;
  category: string;
  source?: string;
}

export interface CurationContext {
  allow: Set<string>;
  distress: Set<string>;
}

/** Builds the context once: normalized allow-list and distress words. */
export function curationContext(allow: readonly string[]): CurationContext {
  return {
    allow: new Set(allow.map((t) => normalizeText(t))),
    distress: new Set(DISTRESS_TERMS.map((t) => normalizeText(t))),
  };
}

/** Why a shipped term is disabled, or null to keep it (the corpus check is in prepare.ts). */
export function curationReason(term: CurationInput, ctx: CurationContext): string | null {
  if (ctx.allow.has(term.normalized)) return 'curated: Buddhist or everyday vocabulary (allow-list)';
  if (ctx.distress.has(term.normalized)) return 'curated: words of distress must reach a person';
  const length = [...term.normalized].length;
  if (length < 2) return 'curated: single character';
  // The big uncurated lists hold thousands of everyday two-character words (地址, 時間, 香港, 電話…).
  if (length === 2 && (term.category === 'general' || term.source === 'konsheng/GFW补充词库.txt')) return 'curated: two-character entry of an uncurated general list';
  // Bare numbers (13, 64, 89…) are order numbers, dates and prices in a shop's chat.
  if (/^[0-9]+$/.test(term.normalized)) return 'curated: digits only';
  // English words of the general lists (this, com…) are ordinary English.
  if (/^[a-z0-9]+$/.test(term.normalized) && term.category === 'general') return 'curated: Latin-script entry of an uncurated general list';
  return null;
}
