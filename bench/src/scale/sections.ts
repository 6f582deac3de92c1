// The registry of `--scale` sections (issue 23), in the order they run: one line each, loaded only when run.
import type { ScaleSection, ScaleSectionName } from './scale-section.js';

export const SCALE_SECTIONS: Partial<Record<ScaleSectionName, () => Promise<ScaleSection>>> = {
  nodes: async () => (await import('./nodes-section.js')).nodesSection,
  callers: async () => (await import('./callers-section.js')).callersSection,
  values: async () => (await import('./values.js')).valuesSection,
  limit: async () => (await import('./limit.js')).limitSection,
};

/** The sections this build has, for `--scale-parts`. */
export const SCALE_SECTION_NAMES = Object.keys(SCALE_SECTIONS) as ScaleSectionName[];
