/** Chooses a chat's queue from its topic and first message, by each queue's keywords. */
import { foldText } from '../lib/chinese-script';

export interface QueueRule {
  id: string;
  keywords: string[];
  position: number;
}


/** The queue whose keywords match the text first (by queue position); `general` otherwise. */
export function routeToQueue(queues: QueueRule[], text: string): string {
  // Text and keywords (an admin may write them in either script) are compared folded to one script.
  const t = foldText(text);
  const ordered = [...queues].sort((a, b) => a.position - b.position);
  for (const q of ordered) if (q.keywords.some((k) => k && t.includes(foldText(k)))) return q.id;
  return ordered.find((q) => q.keywords.length === 0)?.id ?? 'general';
}
