import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { GATEWAY_NODE_FLAGS, type StandaloneGatewayReady } from '@enscale-ssh/gateway';

const BIN = fileURLToPath(new URL('../../../gateway/bin/enscale-gateway.js', import.meta.url));

/** How the process ended: its exit code, or the signal that ended it. */
export interface GatewayExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * `enscale-gateway gateway --data DIR` — a sandbox's gateway alone, in a process of its own, as the
 * CLI starts it: the test can kill it (SIGKILL, SIGTERM) while the sandbox's nodes and API run on in
 * the test's process, and start it again on the same port.
 */
export class GatewayProcess {
  readonly exited: Promise<GatewayExit>;

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: StandaloneGatewayReady,
    exited: Promise<GatewayExit>,
  ) {
    this.exited = exited;
  }

  static start(dataDir: string, port: number): Promise<GatewayProcess> {
    const child = spawn(
      process.execPath,
      [...GATEWAY_NODE_FLAGS, BIN, 'gateway', '--data', dataDir, '--port', String(port), '--json'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise<GatewayExit>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    return new Promise((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.once('line', (line) => {
        try {
          resolve(new GatewayProcess(child, JSON.parse(line) as StandaloneGatewayReady, exited));
        } catch (error) {
          reject(new Error(`The gateway's ready line is not JSON: ${line}`, { cause: error }));
        }
      });
      void exited.then(({ code, signal }) =>
        reject(new Error(`The gateway exited (${code ?? signal}) before it was ready.`)),
      );
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get port(): number {
    return this.ready.gateway.port;
  }

  /** Sends `signal` and waits for the process to end. */
  async kill(signal: NodeJS.Signals): Promise<GatewayExit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
