/**
 * Ctrl-C as a cancellation: the returned signal aborts on SIGINT/SIGTERM, so a transfer or an
 * import stops cleanly (a partial file is kept for resuming) instead of the process just dying.
 * The handlers stay until `dispose`, not for one signal: a second Ctrl-C while the command cleans
 * up would otherwise meet node's default and end the process with 130, before the clean-up (the
 * agent's socket removed, a partial file closed) is done.
 */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}
