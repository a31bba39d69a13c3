/**
 * Environment for the process the core runs in (the desktop app's utility process).
 *
 * glibc's malloc raises its mmap threshold each time a large block is freed, up to 32 MiB; from then on
 * the transfers' buffers (a few hundred KiB each) come from its heap arenas and stay there once the
 * transfers end. With 20 terminals and 10 transfers through the core, its RSS stayed 77–188 MiB above
 * its baseline after everything closed (the V8 heap within 1 MiB of it); with the threshold fixed at
 * 128 KiB, which turns the raising off, 1–6 MiB above, at the same transfer throughput
 * (`npm run bench -- load`, docs/reliability.md). Other allocators ignore the variable.
 */
export const CORE_PROCESS_ENV: Readonly<Record<string, string>> = Object.freeze({
  MALLOC_MMAP_THRESHOLD_: String(128 * 1024),
});
