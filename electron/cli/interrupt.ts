/**
 * Ctrl-C as a cancellation: the returned signal aborts on SIGINT/SIGTERM, so a transfer or an
 * import stops cleanly (a partial file is kept for resuming) instead of the process just dying.
 */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}
