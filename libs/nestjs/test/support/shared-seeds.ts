import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    keyslotSharedSeeds: string[];
  }
}

/** Seeds of the cluster the global setup started for this project (3 primaries, no replicas). */
export function sharedSeeds(): string[] {
  return inject('keyslotSharedSeeds');
}
