import { describe, expect, it } from 'vitest';
import { baseUrgency, urgencyAt, urgencyWordsIn } from './priority';
import { routeToQueue } from './routing';

describe('urgency', () => {
  it('finds urgency words in both scripts', () => {
    expect(urgencyWordsIn('家父病危住院，想請法師助念')).toEqual(['病危', '住院', '助念']);
    expect(urgencyWordsIn('家母临终，很紧急')).toEqual(expect.arrayContaining(['臨終', '緊急', '急']));
    expect(urgencyWordsIn('請問念珠的尺寸')).toEqual([]);
  });

  it('orders: distress > words and low mood > tier > plain; waiting raises all', () => {
    const plain = baseUrgency({ tier: 'regular', minSentiment: null, words: [], distress: false });
    const vip = baseUrgency({ tier: 'vip', minSentiment: null, words: [], distress: false });
    const sad = baseUrgency({ tier: 'regular', minSentiment: -0.9, words: ['往生'], distress: false });
    const distress = baseUrgency({ tier: 'regular', minSentiment: null, words: [], distress: true });
    expect(plain).toBe(0);
    expect(vip).toBeGreaterThan(plain);
    expect(sad).toBeGreaterThan(vip);
    expect(distress).toBe(1);
    const t0 = new Date('2026-11-24T10:00:00Z');
    expect(urgencyAt(0, t0, t0)).toBe(0);
    expect(urgencyAt(0, t0, new Date(t0.getTime() + 15 * 60_000))).toBeCloseTo(0.175);
    expect(urgencyAt(0.9, t0, new Date(t0.getTime() + 60 * 60_000))).toBe(1);
  });
});

describe('queue routing', () => {
  const queues = [
    { id: 'dharma', keywords: ['開示', '往生', '助念'], position: 1 },
    { id: 'offerings', keywords: ['法會', '點燈'], position: 2 },
    { id: 'orders', keywords: ['訂單', '出貨', '發票'], position: 3 },
    { id: 'general', keywords: [], position: 99 },
  ];
  it('routes by topic and first message, either script', () => {
    expect(routeToQueue(queues, '我的订单还没出货')).toBe('orders');
    expect(routeToQueue(queues, '想報名中元法會')).toBe('offerings');
    expect(routeToQueue(queues, '家人往生，想請法師開示')).toBe('dharma');
    expect(routeToQueue(queues, '你好')).toBe('general');
  });

  it('keywords an admin wrote in Simplified match Traditional messages too', () => {
    const simplified = [{ id: 'lamps', keywords: ['点灯', '光明灯'], position: 1 }, { id: 'general', keywords: [], position: 99 }];
    expect(routeToQueue(simplified, '想為家人點一盞光明燈')).toBe('lamps');
    expect(routeToQueue(simplified, '想为家人点一盏光明灯')).toBe('lamps');
    expect(routeToQueue(simplified, '請問念珠')).toBe('general');
  });
});
