/** GC pauses of this process (perf_hooks 'gc' entries), counted while `counting` is on. */
import { PerformanceObserver } from 'node:perf_hooks';

export interface GcPauses {
  counting: boolean;
  /** Sum of the pauses counted, in ms. */
  totalMs: number;
  maxMs: number;
  count: number;
}

export function watchGc(): { gc: GcPauses; stop: () => void } {
  const gc: GcPauses = { counting: false, totalMs: 0, maxMs: 0, count: 0 };
  const observer = new PerformanceObserver((list) => {
    if (!gc.counting) return;
    for (const entry of list.getEntries()) {
      gc.totalMs += entry.duration;
      gc.count++;
      if (entry.duration > gc.maxMs) gc.maxMs = entry.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return { gc, stop: () => observer.disconnect() };
}
