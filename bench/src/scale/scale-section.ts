import type { BenchOptions } from '../options.js';

/** The parts of `npm run bench -- --scale` (issue 23), each measured on clusters of its own. */
export type ScaleSectionName = 'nodes' | 'callers' | 'values' | 'limit';

export interface ScaleContext {
  options: BenchOptions;
  /** A progress line for the console (stderr), not part of the report. */
  progress(line: string): void;
}

export interface ScaleSectionReport {
  /** The section's tables and the targets it checks, as Markdown (printed and pasted into bench/README.md). */
  markdown: string;
  /** The raw figures, written into the JSON results under `scale.<name>`. */
  figures: unknown;
}

/** One part of the scale benchmark: starts its own clusters and clients, and stops them before it resolves. */
export interface ScaleSection {
  name: ScaleSectionName;
  run(context: ScaleContext): Promise<ScaleSectionReport>;
}
