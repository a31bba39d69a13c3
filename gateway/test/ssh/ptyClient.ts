import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

/**
 * Runs a program (the real `ssh`) on a real pseudo-terminal, through Python's pty module since
 * node-pty is not a dependency. The test types on stdin; fd 3 carries "resize ROWS COLS" lines,
 * which the driver applies to the pty so the kernel sends SIGWINCH to ssh — exactly what a
 * terminal window being resized does.
 */
const DRIVER = String.raw`
import fcntl, os, pty, select, struct, sys, termios
rows, cols = int(sys.argv[1]), int(sys.argv[2])
def size(fd, r, c):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', r, c, 0, 0))
pid, master = pty.fork()
if pid == 0:
    size(0, rows, cols)
    os.execvp(sys.argv[3], sys.argv[3:])
control = os.fdopen(3, 'r')
inputs = [master, 0, 3]
while True:
    ready, _, _ = select.select(inputs, [], [])
    if master in ready:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 65536)
        if data:
            os.write(master, data)
        else:
            inputs.remove(0)
    if 3 in ready:
        line = control.readline()
        if line:
            _, r, c = line.split()
            size(master, int(r), int(c))
        else:
            inputs.remove(3)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, 'waitstatus_to_exitcode') else status >> 8)
`;

/** The end of a shell prompt (bash's `# ` / `$ `), as a node's login shell prints it. */
export const SHELL_PROMPT = /[#$] $/;

/**
 * A shell command that returns once the terminal has `size` ("ROWS COLS") and then prints
 * RESIZED-ROWSxCOLS. A window change and the keys typed after it reach the node separately, so
 * the node waits for the size rather than the test guessing how long that takes.
 */
export const AWAIT_SIZE = (size: string): string =>
  // The marker is computed on the node, so the echo of the typed command cannot match it.
  `while [ "$(stty size)" != "${size}" ]; do sleep 0.05; done; echo "RESIZED-$(stty size | tr ' ' x)"`;

export class PtyClient {
  private text = '';
  private readonly listeners = new Set<() => void>();
  readonly exit: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('utf8');
      for (const listener of this.listeners) listener();
    });
    child.stdin?.on('error', () => undefined);
    this.exit = new Promise((resolve) => child.once('close', (code) => resolve(code)));
  }

  static start(
    command: string,
    args: readonly string[],
    size: { rows: number; cols: number },
    track?: (child: ChildProcess) => void,
  ): PtyClient {
    const child = spawn('python3', ['-c', DRIVER, String(size.rows), String(size.cols), command, ...args], {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    track?.(child);
    return new PtyClient(child);
  }

  /** Everything the terminal has shown so far. */
  get output(): string {
    return this.text;
  }

  /** A position in the output, to wait for something shown after it. */
  mark(): number {
    return this.text.length;
  }

  send(keys: string): void {
    this.child.stdin?.write(keys);
  }

  resize(rows: number, cols: number): void {
    (this.child.stdio[3] as Writable).write(`resize ${rows} ${cols}\n`);
  }

  /** Waits until the output after `from` matches; returns that part of the output. */
  expect(pattern: RegExp | string, from = 0): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const seen = this.text.slice(from);
        if (typeof pattern === 'string' ? seen.includes(pattern) : pattern.test(seen)) {
          this.listeners.delete(check);
          clearTimeout(timer);
          resolve(seen);
        }
      };
      // Generous: only here so that a failure shows what the terminal said instead of hanging.
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`Terminal never showed ${String(pattern)}; it showed:\n${this.text.slice(from)}`));
      }, 60_000);
      this.listeners.add(check);
      check();
    });
  }

  kill(): void {
    this.child.kill('SIGTERM');
  }
}
