// Peaks of what a fault may blow up: commands pending on the connection, resident memory and heap in use.
import v8 from 'node:v8';
import vm from 'node:vm';

/** Peaks seen by a {@link Sampler}. */
export interface Peaks {
  pending: number;
  rssBytes: number;
  heapUsedBytes: number;
  samples: number;
}

/** Samples `pending()` and `process.memoryUsage()` every `intervalMs` until stopped. */
export class Sampler {
  readonly peaks: Peaks = { pending: 0, rssBytes: 0, heapUsedBytes: 0, samples: 0 };
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pending: () => number,
    intervalMs = 25,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    const memory = process.memoryUsage();
    const peaks = this.peaks;
    peaks.pending = Math.max(peaks.pending, this.pending());
    peaks.rssBytes = Math.max(peaks.rssBytes, memory.rss);
    peaks.heapUsedBytes = Math.max(peaks.heapUsedBytes, memory.heapUsed);
    peaks.samples++;
  }

  stop(): Peaks {
    clearInterval(this.timer);
    this.sample();
    return this.peaks;
  }
}

let gc: (() => void) | undefined;

/** Heap in use after a full garbage collection: what is really kept alive, garbage excluded. */
export function liveHeapBytes(): number {
  if (gc === undefined) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
  return process.memoryUsage().heapUsed;
}

export const MB = 1024 * 1024;
