import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The test editor (testEditor.mjs): appends a line and saves, once per `go`, then exits on `quit`. */
export const TEST_EDITOR = fileURLToPath(new URL('./testEditor.mjs', import.meta.url));

/** Waits until `read` answers something (polling; the test's own timeout is the hang guard). */
export async function until<T>(read: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * One run of the test editor, driven through its control folder: `command` is what Settings →
 * Editor holds (the app appends the file's path), `go(n)` makes save n, `saved(n)` answers that save's
 * SHA-256 once it is written, `quit()` ends the editor as closing its window would.
 */
export class ScriptedEditor {
  readonly control = mkdtempSync(join(tmpdir(), 'test-editor-'));

  constructor(readonly saves: number) {}

  /** Quoted for the POSIX command-line rules (single quotes keep everything as is). */
  get command(): string {
    const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
    return [process.execPath, TEST_EDITOR, String(this.saves), this.control].map(quote).join(' ');
  }

  private read(name: string): string | undefined {
    const path = join(this.control, name);
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  }

  /** The path the editor was started on, once it runs. */
  started(): Promise<string> {
    return until(() => this.read('started'));
  }

  go(n: number): void {
    writeFileSync(join(this.control, `go-${n}`), '');
  }

  saved(n: number): Promise<string> {
    return until(() => this.read(`saved-${n}`));
  }

  /** Makes save n and answers its SHA-256. */
  async save(n: number): Promise<string> {
    this.go(n);
    return this.saved(n);
  }

  quit(): void {
    writeFileSync(join(this.control, 'quit'), '');
  }

  ended(): Promise<string> {
    return until(() => this.read('ended'));
  }

  remove(): void {
    rmSync(this.control, { recursive: true, force: true });
  }
}
