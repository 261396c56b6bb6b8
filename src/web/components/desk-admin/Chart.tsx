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

/** Plain option objects every time: spreading chart.js's resolved options proxy recurses. */
function optionsOf<K extends Kind>(extra?: ChartOptions<K>): ChartOptions<K> {
  const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
  return { responsive: true, maintainAspectRatio: false, animation: reduced ? false : { duration: 250 }, ...extra } as ChartOptions<K>;
}

/** A chart that follows its `data` prop. */
export function DeskChart<K extends Kind>({ kind, data, options, label, testId }: { kind: K; data: ChartData<K>; options?: ChartOptions<K>; label: string; testId?: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<K> | null>(null);

  useEffect(() => {
    if (!canvas.current) return;
    chart.current = new Chart(canvas.current, { type: kind, data: structuredClone(data), options: optionsOf(options) });
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
    c.options = optionsOf(options);
    c.update();
  }, [data, options]);

  return (
    <div className="da-chart">
      <canvas ref={canvas} role="img" aria-label={label} data-testid={testId} />
    </div>
  );
}
