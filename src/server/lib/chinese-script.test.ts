import { describe, expect, it } from 'vitest';
import { foldText, looksSimplified, toSimplified } from './chinese-script';

describe('chinese-script', () => {
  it('tells Simplified text from Traditional, mixed and script-neutral text', () => {
    for (const t of ['请问念珠何时出货', '为什么', '我不想活了，太难过']) expect(looksSimplified(t), t).toBe(true);
    for (const t of ['請問念珠何時出貨', '為什麼', '你好', 'hello', '我想死', '']) expect(looksSimplified(t), t).toBe(false);
  });

  it('folds either script to one, character by character, with full width and case folded', () => {
    expect(foldText('訂單 ＡＢＣ')).toBe('订单 abc');
    expect(foldText('订单')).toBe('订单');
    expect(toSimplified('請問念珠何時出貨')).toBe('请问念珠何时出货');
  });
});
