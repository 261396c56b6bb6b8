/**
 * User-facing reasons for refused uploads (zh-TW default, zh-CN, en). The generic "request not
 * valid" would leave a member guessing why their photo did not go through.
 */
import type { Locale } from '../../shared/protocol';

type Params = { max?: number };
type Text = (p: Params) => string;

/** Human size: "10 MB" / "512 KB" (binary units, as file managers show them). */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

const MESSAGES: Record<string, Record<Locale, Text>> = {
  too_large: {
    'zh-TW': (p) => `檔案超過上限 ${formatBytes(p.max ?? 0)}，未上傳。`,
    'zh-CN': (p) => `文件超过上限 ${formatBytes(p.max ?? 0)}，未上传。`,
    en: (p) => `The file is larger than the ${formatBytes(p.max ?? 0)} limit; it was not uploaded.`,
  },
  empty: {
    'zh-TW': () => '檔案是空的。',
    'zh-CN': () => '文件是空的。',
    en: () => 'The file is empty.',
  },
  type_not_allowed: {
    'zh-TW': () => '不支援此檔案類型。可上傳圖片（JPEG、PNG、GIF、WebP）、PDF、Office 文件或純文字檔。',
    'zh-CN': () => '不支持此文件类型。可上传图片（JPEG、PNG、GIF、WebP）、PDF、Office 文档或纯文本文件。',
    en: () => 'This file type is not allowed. Images (JPEG, PNG, GIF, WebP), PDF, Office documents and plain text are.',
  },
  unknown_type: {
    'zh-TW': () => '無法辨識檔案類型。可上傳圖片、PDF、Office 文件或 .txt／.csv／.md 純文字檔。',
    'zh-CN': () => '无法识别文件类型。可上传图片、PDF、Office 文档或 .txt／.csv／.md 纯文本文件。',
    en: () => 'The file type could not be recognized. Images, PDF, Office documents and .txt/.csv/.md text files are allowed.',
  },
  not_utf8_text: {
    'zh-TW': () => '文字檔必須是 UTF-8 編碼。',
    'zh-CN': () => '文本文件必须是 UTF-8 编码。',
    en: () => 'Text files must be UTF-8 encoded.',
  },
  unreadable_image: {
    'zh-TW': () => '圖片已損壞或無法讀取。',
    'zh-CN': () => '图片已损坏或无法读取。',
    en: () => 'The image is damaged or cannot be read.',
  },
  image_too_large: {
    'zh-TW': () => '圖片解析度過高（上限約 4000 萬像素）。',
    'zh-CN': () => '图片分辨率过高（上限约 4000 万像素）。',
    en: () => 'The image has too many pixels (about 40 megapixels at most).',
  },
  too_many_unsent: {
    'zh-TW': (p) => `已有 ${p.max ?? 0} 個上傳的檔案尚未送出，請先送出或稍後再試。`,
    'zh-CN': (p) => `已有 ${p.max ?? 0} 个上传的文件尚未发送，请先发送或稍后再试。`,
    en: (p) => `${p.max ?? 0} uploaded files are waiting to be sent; send them or try again later.`,
  },
  malformed_multipart: {
    'zh-TW': () => '上傳資料不完整或格式錯誤，請重新上傳。',
    'zh-CN': () => '上传数据不完整或格式错误，请重新上传。',
    en: () => 'The upload was incomplete or malformed; please try again.',
  },
  no_file: {
    'zh-TW': () => '請以 multipart/form-data 上傳，欄位名稱為 file。',
    'zh-CN': () => '请以 multipart/form-data 上传，字段名称为 file。',
    en: () => 'Send the file as multipart/form-data in a field named "file".',
  },
};

/** The message for an upload refusal reason, or undefined for reasons without a specific text. */
export function uploadMessage(reason: unknown, locale: Locale, params: Params = {}): string | undefined {
  if (typeof reason !== 'string') return undefined;
  return MESSAGES[reason]?.[locale]?.(params);
}
