/** @jsxRuntime automatic */
// One ECharts chart. The library is fetched on first use (a separate chunk); the option comes from
// the pure mapping functions in charts/options.ts. SVG rendering keeps text crisp and selectable.
import { useEffect, useRef, useState } from 'react';
import type { EChartsOption } from 'echarts';
import type { EChartsType } from 'echarts/core';
import type * as EchartsRuntime from './echarts-runtime.js';

type Runtime = typeof EchartsRuntime;
let runtime: Promise<Runtime> | undefined;
/** Starts loading the chart library (e.g. when a screen with charts is about to show). */
export function preloadCharts(): Promise<Runtime> {
  runtime ??= import('./echarts-runtime.js');
  return runtime;
}

export function Chart({ option, label, height, className }: { option: EChartsOption; label: string; height?: number; className?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType>(undefined);
  const [failed, setFailed] = useState<string>();

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    preloadCharts().then(
      ({ echarts }) => {
        if (disposed || !el.current) return;
        chart.current = echarts.init(el.current, null, { renderer: 'svg' });
        chart.current.setOption(option, true);
        observer = new ResizeObserver(() => chart.current?.resize());
        observer.observe(el.current);
      },
      (error: unknown) => setFailed(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = undefined;
    };
    // The chart is created once; option changes are applied below.
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);

  return (
    <div className={`chart ${className ?? ''}`} style={height ? { height } : undefined} role="img" aria-label={label}>
      <div ref={el} style={{ width: '100%', height: '100%' }} />
      {failed && (
        <div className="state error" role="alert">
          Chart could not load: {failed}
        </div>
      )}
    </div>
  );
}
