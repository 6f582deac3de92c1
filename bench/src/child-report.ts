/** How a forked child (child.ts, bullmq-child.ts) reports to bench.ts: one result or error message, then it lets go. */
export async function reportToParent(work: () => Promise<unknown>): Promise<void> {
  try {
    process.send?.({ type: 'result', result: await work() });
  } catch (error) {
    process.send?.({
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    process.exitCode = 1;
  }
  process.disconnect?.();
}
