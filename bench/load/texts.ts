/**
 * What the benchmark's members say: questions, orders, worries, thanks, in both scripts and of
 * several lengths, each sent with its own number so no two messages are the same text (a server
 * must not get faster because it has seen a sentence before).
 */
const SENTENCES = [
  '請問念珠何時出貨？南無阿彌陀佛',
  '您好，我上週訂的檀香還沒有收到，可以幫我查一下物流嗎？',
  '請問這串星月菩提適合初學者配戴嗎',
  '感恩師兄耐心解答，隨喜功德！',
  '我母親上個月往生了，想請問超度法會怎麼報名？',
  '最近失眠又焦慮，不知道該念哪一部經比較好',
  '訂單 20261125-0042 的地址要改成台中市西屯區，謝謝',
  '请问心经抄经本有简体版吗？',
  '收到的香炉有裂痕，很失望，要怎么退换？',
  '阿彌陀佛，謝謝你們，佛像很莊嚴，家人都很歡喜',
  '想問一下供燈可以幫已故的父親點嗎？需要準備什麼資料？',
  '好的，我知道了',
  '「應無所住而生其心」這句是出自哪一部經？',
  '师父您好，我最近工作压力很大，心里很烦恼，想请教怎么放下',
  '平安符可以寄到香港嗎？運費大約多少',
  '上次買的沉香很好聞，想再訂兩盒，還有貨嗎？',
];

/** The text of a member's n-th message. */
export function memberText(n: number): string {
  return `${SENTENCES[n % SENTENCES.length]}（${n}）`;
}
