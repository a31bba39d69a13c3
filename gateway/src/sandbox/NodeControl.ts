import { execFile } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What the sandbox answers a node's init script: its exit status and what it prints. */
export interface ServiceAnswer {
  code: number;
  text: string;
}

export type ServiceHandler = (action: string) => Promise<ServiceAnswer>;

/** Where an isolated database node's init script asks the sandbox (root only: the folder is 0700). */
export const NODE_CONTROL = '/run/enscale';

const REQUEST = /^([a-z]{1,16}) ([0-9-]{1,40})$/;

/**
 * How a database node's `sudo service mysql restart` reaches the server it names, which the sandbox
 * runs outside the node: the init script, run as root by sudo, writes "ACTION ID" into a FIFO bound
 * into the node at /run/enscale, and waits for answer.ID. Only root on the node can reach the folder,
 * so only what sudo allows can ask.
 */
export class NodeControl {
  private socket: Socket | undefined;

  constructor(
    /** The host folder bound into the node at NODE_CONTROL. */
    readonly dir: string,
    private readonly handle: ServiceHandler,
  ) {}

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const fifo = join(this.dir, 'requests');
    await rm(fifo, { force: true });
    await run('mkfifo', ['-m', '600', fifo]);
    // Read and write: the FIFO never sees its last writer go, so the stream never ends between requests.
    const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    try {
      this.socket = new Socket({ fd, readable: true, writable: false });
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    createInterface({ input: this.socket }).on('line', (line) => void this.answer(line));
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private async answer(line: string): Promise<void> {
    const match = REQUEST.exec(line.trim());
    if (!match) return;
    const [, action, id] = match as unknown as [string, string, string];
    const reply = await this.handle(action).catch((error: unknown): ServiceAnswer => ({
      code: 1,
      text: `${(error as Error).message}\n`,
    }));
    const file = join(this.dir, `answer.${id}`);
    await writeFile(`${file}.new`, `${reply.code}\n${reply.text}`, { mode: 0o600 });
    await rename(`${file}.new`, file);
  }
}

/** The init script's half: ask, wait for the answer (up to 2 minutes), print it, exit with its status. */
export function askSandboxScript(service: string): string {
  return `#!/bin/sh
# ${service} of this sandbox node: the server is the sandbox's private one, outside the node; this
# script asks the sandbox to act on it (sudo runs it as root, the only user who can reach ${NODE_CONTROL}).
case "$1" in
  start|stop|restart|reload|status) ;;
  *) echo "Usage: ${service} {start|stop|restart|reload|status}" >&2; exit 2 ;;
esac
id="$$-$(date +%s%N)"
answer="${NODE_CONTROL}/answer.$id"
printf '%s %s\\n' "$1" "$id" > ${NODE_CONTROL}/requests || exit 1
i=0
while [ ! -f "$answer" ]; do
  i=$((i + 1))
  [ $i -gt 1200 ] && { echo "${service}: the sandbox did not answer" >&2; exit 1; }
  sleep 0.1
done
code=$(head -n 1 "$answer")
if [ "$code" = 0 ]; then tail -n +2 "$answer"; else tail -n +2 "$answer" >&2; fi
rm -f "$answer"
exit "$code"
`;
}
