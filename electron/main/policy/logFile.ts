import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A log over this size is moved to `NAME.1` (replacing the previous one) when the app starts. */
export const MAX_LOG_BYTES = 5 * 1024 * 1024;

export interface LogFile {
  readonly path: string;
  write(level: 'info' | 'warn' | 'error', message: string): void;
}

/**
 * A plain text log in `dir` (the app's data folder's `logs/`), one line per entry with an ISO time.
 * Writes are synchronous so the last lines before a crash are on disk; a log that cannot be written
 * never stops the app.
 */
export function openLogFile(dir: string, name: string): LogFile {
  const path = join(dir, name);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if ((statSync(path, { throwIfNoEntry: false })?.size ?? 0) > MAX_LOG_BYTES) {
      rmSync(`${path}.1`, { force: true });
      renameSync(path, `${path}.1`);
    }
  } catch {
    // Logging is best effort.
  }
  return {
    path,
    write(level, message) {
      const line = `${new Date().toISOString()} ${level.toUpperCase()} ${message.replace(/\s*\n\s*/g, ' ⏎ ')}\n`;
      try {
        appendFileSync(path, line, { mode: 0o600 });
      } catch {
        // Logging is best effort.
      }
    },
  };
}
