import { MessageChannelMain, shell, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import { CORE_PROCESS_ENV } from '../core-process/allocatorTuning.ts';
import { isOpenPathRequest, type OpenPathAnswer } from '../core-process/commandLine.ts';
import { ErrorTail } from './policy/coreRestarts.ts';
import type { OpenWork } from './policy/closeWindow.ts';
import type { LogFile } from './policy/logFile.ts';

export interface CoreProcessOptions {
  /** The bundled `electron/core-process` entry. */
  entry: string;
  dataDir: string;
  keychainService: string | undefined;
  /** Runs the embedded sandbox beside the core and offers it as a platform (development builds). */
  sandbox: boolean;
  log: LogFile;
  /** Called when the core stopped without being asked to: pages should reconnect. */
  onUnexpectedExit: (code: number) => void;
}

const STOP_GRACE_MS = 3000;

/**
 * The core in an Electron utility process, started on the first connection and again after a crash.
 * Each page load gets its own MessageChannelMain: one end to the core, the other to the page.
 */
export class CoreProcess {
  private child: UtilityProcess | undefined;
  private stopping = false;
  /** What the core last wrote to stderr: shown when it keeps failing. */
  readonly errors = new ErrorTail();

  constructor(private readonly options: CoreProcessOptions) {}

  /** Hands a fresh port to the core to `contents` (whose sender main has already validated). */
  connect(contents: WebContents): void {
    const child = this.child ?? this.start();
    const { port1, port2 } = new MessageChannelMain();
    child.postMessage({ kind: 'connect' }, [port1]);
    contents.postMessage('enscale:port', null, [port2]);
  }

  /** What closing the window would end; undefined without a core or when it does not answer in 1 s. */
  async activity(): Promise<OpenWork | undefined> {
    const child = this.child;
    if (!child?.pid) return undefined;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.off('message', answer);
        resolve(undefined);
      }, 1000);
      const answer = (message: unknown) => {
        // The core process's `CoreActivity` (electron/core-process/commandLine.ts).
        const reply = message as {
          kind?: unknown;
          terminals?: unknown;
          transfers?: unknown;
          tunnels?: unknown;
          edits?: unknown;
        } | null;
        if (reply?.kind !== 'activity') return;
        clearTimeout(timer);
        child.off('message', answer);
        const count = (value: unknown) => (typeof value === 'number' && value >= 0 ? value : 0);
        resolve({
          terminals: count(reply.terminals),
          transfers: count(reply.transfers),
          tunnels: count(reply.tunnels),
          edits: count(reply.edits),
        });
      };
      child.on('message', answer);
      child.postMessage({ kind: 'activity' });
    });
  }

  /** Asks the core to close its connections and exit; kills it if it does not in time. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child?.pid) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve();
      }, STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.postMessage({ kind: 'stop' });
    });
  }

  private start(): UtilityProcess {
    // A core stopped on purpose (a closed window on macOS) is started afresh by the next page.
    this.stopping = false;
    const { entry, dataDir, keychainService, sandbox, log } = this.options;
    const args = [
      '--data-dir',
      dataDir,
      ...(keychainService ? ['--keychain-service', keychainService] : []),
      ...(sandbox ? ['--sandbox'] : []),
    ];
    const child = utilityProcess.fork(entry, args, {
      serviceName: 'Enscale SSH core',
      stdio: 'pipe',
      env: { ...process.env, ...CORE_PROCESS_ENV },
    });
    const forward = (level: 'info' | 'error') => (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        log.write(level, line);
        if (level === 'error') this.errors.add(line);
      }
    };
    child.stdout?.on('data', forward('info'));
    child.stderr?.on('data', forward('error'));
    child.once('spawn', () => log.write('info', `core process ${child.pid ?? '?'} started`));
    // The core opens files with their application through here ("Edit", "Open log folder").
    child.on('message', (message: unknown) => {
      if (!isOpenPathRequest(message)) return;
      const answer = (error: string) =>
        child.postMessage({ kind: 'openPath', id: message.id, error } satisfies OpenPathAnswer);
      shell.openPath(message.path).then(answer, (error: unknown) => answer(String(error)));
    });
    child.once('exit', (code) => {
      if (this.child === child) this.child = undefined;
      log.write(code === 0 ? 'info' : 'error', `core process exited with status ${code}`);
      if (!this.stopping) this.options.onUnexpectedExit(code);
    });
    this.child = child;
    return child;
  }
}
