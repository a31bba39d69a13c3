/**
 * Environment for the process the core runs in (the desktop app's utility process).
 *
 * glibc's malloc raises its mmap threshold each time a large block is freed, up to 32 MiB; from then on
 * the transfers' buffers (a few hundred KiB each) come from its heap arenas and stay there once the
 * transfers end. 20 terminals and 10 transfers through the core for 20 s, three fresh processes each
 * way: RSS after everything closed 211–273 MiB (peak 276–280) with glibc's defaults, 137–145 MiB (peak
 * 192–202) with the threshold fixed at 128 KiB, which turns the raising off; the V8 heap was back within
 * 1 MiB either way, and the transfers moved up to a tenth less (docs/reliability.md, "The core's RSS
 * after the load"). Other allocators ignore the variable.
 */
export const CORE_PROCESS_ENV: Readonly<Record<string, string>> = Object.freeze({
  MALLOC_MMAP_THRESHOLD_: String(128 * 1024),
});
