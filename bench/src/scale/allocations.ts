// What a client allocates while it moves large values, so copying (a value copied once per chunk read, a send
// buffer grown by doubling) shows as bytes allocated per MB moved.
//
// Two meters, both started and stopped around a measured window:
// - Buffers made through Node's Buffer API from JavaScript (`Buffer.alloc`, `allocUnsafe`, `allocUnsafeSlow`,
//   `concat`, which calls `allocUnsafe`, and `from` of anything but an ArrayBuffer), counted by wrapping those
//   functions before the client is loaded. Buffers made natively (the socket's read buffers, glide's Rust core)
//   are not seen: those are the same for every JavaScript client, and glide's figure is left out.
// - The V8 heap (strings, objects): the sum, over the garbage collections of the window, of what was allocated
//   between one collection's end and the next one's start (`v8.GCProfiler`).
import v8 from 'node:v8';

let bufferBytes = 0;

/** Wraps the Buffer factories once, in this process; call it before any client is imported. */
export function countBufferAllocations(): void {
  const B = Buffer as unknown as Record<string, (...args: unknown[]) => Buffer>;
  for (const name of ['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const) {
    const original = B[name]!;
    B[name] = function counted(this: unknown, ...args: unknown[]): Buffer {
      const made = original.apply(this, args);
      bufferBytes += made.length;
      return made;
    };
  }
  const from = B.from!;
  B.from = function countedFrom(this: unknown, ...args: unknown[]): Buffer {
    const made = from.apply(this, args);
    if (!(args[0] instanceof ArrayBuffer) && !(args[0] instanceof SharedArrayBuffer))
      bufferBytes += made.length;
    return made;
  };
}

export interface Allocated {
  /** Bytes of Buffers made from JavaScript. */
  bufferBytes: number;
  /** Bytes allocated on the V8 heap. */
  heapBytes: number;
}

/** Starts both meters; the returned function stops them and tells what was allocated meanwhile. */
export function meterAllocations(): () => Allocated {
  const buffers0 = bufferBytes;
  const heap0 = v8.getHeapStatistics().used_heap_size;
  const profiler = new v8.GCProfiler();
  profiler.start();
  return () => {
    const statistics = profiler.stop()?.statistics ?? [];
    const heapEnd = v8.getHeapStatistics().used_heap_size;
    let heapBytes = 0;
    let previousAfter = heap0;
    for (const gc of statistics) {
      heapBytes += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - previousAfter);
      previousAfter = gc.afterGC.heapStatistics.usedHeapSize;
    }
    heapBytes += Math.max(0, heapEnd - previousAfter);
    return { bufferBytes: bufferBytes - buffers0, heapBytes };
  };
}
