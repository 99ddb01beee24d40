type Flush = () => Promise<void>;

let flush: Flush | null = null;

/** Tracing hands in how to export the spans still batched; without tracing there is nothing to flush. */
export function onTracingShutdown(next: Flush): void {
  flush = next;
}

/**
 * Exports the spans still in the batch (a graceful stop would otherwise lose up to OTEL_BSP_SCHEDULE_DELAY of them),
 * waiting at most `withinMs`: a collector that does not answer must not hold the exit.
 */
export async function flushTracing(withinMs: number): Promise<void> {
  if (flush === null) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    flush().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, withinMs);
    }),
  ]);
  clearTimeout(timer);
}
