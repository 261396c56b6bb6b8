/** Simplified Chinese strings of the mood indicator, distress alerts and earlier chats (merged into zh-CN.ts). */
import type { insightUiZhTW } from './insight-ui.zh-TW';

export const insightUiZhCN: Record<keyof typeof insightUiZhTW, string> = {
  'iu.mood': '心情',
  'iu.mood.bad': '非常低落',
  'iu.mood.low': '有些低落',
  'iu.mood.calm': '平稳',
  'iu.mood.good': '愉快',
  'iu.mood.latest': '当前心情',
  'iu.mood.lowest': '最低点',
  'iu.mood.none': '尚未评估',
  'iu.mood.of': '会员心情：{label}',
  'iu.mood.score': '分数 {score}',
  'iu.alert.region': '紧急关怀警示',
  'iu.alert.title': '紧急关怀：{name}',
  'iu.alert.body': '会员的消息可能透露轻生或极度痛苦的念头，请优先关心。',
  'iu.alert.open': '打开对话',
  'iu.alert.openReadOnly': '查看对话（只读）',
  'iu.alert.dismiss': '知道了',
  'iu.alert.dismissOf': '关闭 {name} 的警示',
  'iu.alert.heldByOther': '这段对话正由其他同事服务，您无法打开；如需接手，请联系主管或请对方转接给您。',
  'iu.prev.view': '查看',
  'iu.prev.viewOf': '查看过往对话：{topic}',
  'iu.prev.servedBy': '服务人员：{name}',
  'iu.prev.title': '过往对话（只读）：{topic}',
  'iu.prev.close': '关闭',
};
