/** English strings of the mood indicator, distress alerts and earlier chats (merged into en.ts). */
import type { insightUiZhTW } from './insight-ui.zh-TW';

export const insightUiEn: Record<keyof typeof insightUiZhTW, string> = {
  'iu.mood': 'Mood',
  'iu.mood.bad': 'Very upset',
  'iu.mood.low': 'Somewhat down',
  'iu.mood.calm': 'Calm',
  'iu.mood.good': 'Positive',
  'iu.mood.latest': 'Mood now',
  'iu.mood.lowest': 'Lowest',
  'iu.mood.none': 'Not assessed yet',
  'iu.mood.of': "Member's mood: {label}",
  'iu.mood.score': 'score {score}',
  'iu.alert.region': 'Urgent care alerts',
  'iu.alert.title': 'Needs care now: {name}',
  'iu.alert.body': "The member's message may signal thoughts of suicide or severe distress. Please reach out first.",
  'iu.alert.open': 'Open the chat',
  'iu.alert.openReadOnly': 'View the chat (read-only)',
  'iu.alert.dismiss': 'Dismiss',
  'iu.alert.dismissOf': 'Dismiss the alert about {name}',
  'iu.alert.heldByOther': 'A colleague is serving this chat, so you cannot open it. To take over, ask a supervisor or ask them to transfer it to you.',
  'iu.prev.view': 'View',
  'iu.prev.viewOf': 'View the earlier chat: {topic}',
  'iu.prev.servedBy': 'served by {name}',
  'iu.prev.title': 'Earlier chat (read-only): {topic}',
  'iu.prev.close': 'Close',
};
