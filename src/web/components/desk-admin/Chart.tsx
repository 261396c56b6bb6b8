/**
 * One chart.js chart on a canvas, updated in place when its data change (no re-creation, so a
 * live update does not flash). Only the pieces the desk pages draw are registered, which keeps
 * the bundle small. The canvas is an image with a text summary; the tables beside each chart
 * carry the same figures for screen readers and keyboards.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartData, type ChartOptions } from 'chart.js';
import { useEffect, useRef } from 'react';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

export const PALETTE = { accent: '#7a3e2f', gold: '#c9962e', ok: '#2f7a3e', muted: '#b9a998', line: '#e4d8c8', focus: '#1a5fb4' };

type Kind = 'bar' | 'line';

/** A chart that follows its `data` prop. */
export function DeskChart<K extends Kind>({ kind, data, options, label, testId }: { kind: K; data: ChartData<K>; options?: ChartOptions<K>; label: string; testId?: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<K> | null>(null);

  useEffect(() => {
    if (!canvas.current) return;
    const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
    const base = { responsive: true, maintainAspectRatio: false, animation: reduced ? false : { duration: 250 } } as ChartOptions<K>;
    chart.current = new Chart(canvas.current, { type: kind, data: structuredClone(data), options: { ...base, ...options } as ChartOptions<K> });
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
    // Created once per kind; data and options flow in through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind]);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data = structuredClone(data);
    if (options) c.options = { ...c.options, ...options } as ChartOptions<K>;
    c.update();
  }, [data, options]);

  return (
    <div className="da-chart">
      <canvas ref={canvas} role="img" aria-label={label} data-testid={testId} />
    </div>
  );
}
