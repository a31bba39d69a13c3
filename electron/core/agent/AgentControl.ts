import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import type { AgentApi, AgentConfirmRequest, AgentEvents, AgentStatus } from '../../../shared/src/agent.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type { AppSettings, SettingsEvents } from '../../../shared/src/settings.ts';
import type { EventSource } from '../../../shared/src/rpc/Emitter.ts';
import { agentSocketPath, type AgentSocketPlace } from './agentSocketPath.ts';
import { AgentService, type AgentServiceOptions, type AgentSignRequest } from './AgentService.ts';
import { windowsPageantPipe } from './pageantPipe.ts';
import { runProcess } from '../system/processRunner.ts';

/**
 * When the agent runs: `'settings'` follows Settings → SSH agent (on/off and confirm, as they change:
 * the desktop app and the browser host); `{ confirm }` runs it until the core closes, asking for
 * each signature when `confirm` is true (`enscale-ssh agent [--confirm]`).
 */
export type AgentRun = 'settings' | { confirm: boolean };

export interface AgentControlOptions {
  place: AgentSocketPlace;
  vault: AgentServiceOptions['vault'];
  settings: { ready(): Promise<void>; current(): AppSettings; events: EventSource<SettingsEvents> };
  /** Left out: the agent never runs in this process (tests, the CLI's other commands). */
  run?: AgentRun;
  logger?: (line: string) => void;
  /**
   * Windows only: the name of Pageant's pipe for this user (pageantPipe.ts), served beside OpenSSH's
   * so PuTTY and WinSCP reach the keys too. Asked of Windows by default; injected in tests.
   */
  pageantPipe?: () => Promise<string>;
}

/**
 * A question nobody answers is given up after this long (refused), as a client that waits longer
 * has usually given up itself; 2 minutes leaves time to switch to the app's window.
 */
export const CONFIRM_TIMEOUT_MS = 120_000;

interface Waiting {
  request: AgentConfirmRequest;
  settle: (allowed: boolean) => void;
}

/**
 * The agent as the contract serves it: runs the socket service when it should, and turns its
 * confirmation questions into `confirmRequest` events answered with `answer()`.
 */
export class AgentControl implements AgentApi {
  readonly events = new Emitter<AgentEvents>();
  readonly service: AgentService;
  /** The same agent on Pageant's pipe (Windows), once its name is known. */
  #pageant: AgentService | undefined;
  #pageantError: string | undefined;
  #pageantName: Promise<string> | undefined;
  readonly #options: AgentControlOptions;
  readonly #waiting = new Map<string, Waiting>();
  /** Why the socket path cannot be used at all (too long for the OS). */
  readonly #pathError: string | undefined;
  #error: string | undefined;
  /** Starts and stops, one at a time, in the order the settings changed. */
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: AgentControlOptions) {
    this.#options = options;
    let socketPath: string;
    try {
      socketPath = agentSocketPath(options.place);
    } catch (error) {
      socketPath = posix.join(options.place.dataDir, 'agent', 'agent.sock');
      this.#pathError = (error as Error).message;
    }
    this.service = this.#serviceOn(socketPath);
    if (options.run === undefined) return;
    if (options.run === 'settings') options.settings.events.on('changed', () => this.#follow());
    this.#follow();
  }

  async status(): Promise<AgentStatus> {
    await this.#options.settings.ready();
    await this.#queue;
    const error = this.#pathError ?? this.#error;
    return {
      enabled: this.#enabled(),
      running: this.service.running,
      socketPath: this.service.socketPath,
      confirm: this.#confirm(),
      ...(error ? { error } : {}),
      pending: [...this.#waiting.values()].map(({ request }) => request),
      ...(this.#options.place.platform === 'win32'
        ? {
            pageant: {
              ...(this.#pageant?.running ? { pipe: this.#pageant.socketPath } : {}),
              ...(this.#pageantError ? { error: this.#pageantError } : {}),
            },
          }
        : {}),
    };
  }

  #serviceOn(socketPath: string): AgentService {
    const options = this.#options;
    return new AgentService({
      vault: options.vault,
      socketPath,
      platform: options.place.platform,
      confirm: (request, signal) => this.#ask(request, signal),
      shouldConfirm: () => this.#confirm(),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  /** Pageant's pipe follows the agent on Windows; its failure (Pageant itself running) is its own. */
  async #followPageant(wanted: boolean): Promise<void> {
    if (this.#options.place.platform !== 'win32') return;
    try {
      if (!wanted) return await this.#pageant?.stop();
      // Asked of Windows once per process: every settings change comes through here, and each
      // question starts powershell.exe.
      this.#pageantName ??= (this.#options.pageantPipe ?? (() => windowsPageantPipe(runProcess)))();
      this.#pageant ??= this.#serviceOn(await this.#pageantName);
      await this.#pageant.start();
      this.#pageantError = undefined;
    } catch (error) {
      this.#pageantError = error instanceof Error ? error.message : String(error);
      this.#options.logger?.(`agent (Pageant's pipe): ${this.#pageantError}`);
    }
  }

  async answer(id: string, allow: boolean): Promise<void> {
    this.#waiting.get(id)?.settle(allow);
  }

  /** Stops the agent for good (the core is closing): the socket file is removed before this returns. */
  close(): void {
    this.#closed = true;
    for (const waiting of [...this.#waiting.values()]) waiting.settle(false);
    this.service.stopNow();
    this.#pageant?.stopNow();
  }

  #enabled(): boolean {
    const { run } = this.#options;
    return run === undefined || run === 'settings' ? this.#options.settings.current().agent.enabled : true;
  }

  #confirm(): boolean {
    const { run } = this.#options;
    return typeof run === 'object' ? run.confirm : this.#options.settings.current().agent.confirm;
  }

  /** Starts or stops the service to match the setting, after whatever start or stop is under way. */
  #follow(): void {
    this.#queue = this.#queue.then(async () => {
      await this.#options.settings.ready();
      if (this.#closed) return;
      const wanted = this.#enabled();
      await this.#followPageant(wanted && !this.#pathError);
      if (wanted === this.service.running) return;
      try {
        if (this.#pathError) throw new Error(this.#pathError);
        if (wanted) await this.service.start();
        else await this.service.stop();
        this.#error = undefined;
      } catch (error) {
        this.#error = error instanceof Error ? error.message : String(error);
        this.#options.logger?.(`agent: ${this.#error}`);
      }
    });
  }

  #ask(request: AgentSignRequest, signal: AbortSignal): Promise<boolean> {
    const id = randomUUID();
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => settle(false), CONFIRM_TIMEOUT_MS);
      const settle = (allowed: boolean) => {
        if (!this.#waiting.delete(id)) return;
        clearTimeout(timer);
        signal.removeEventListener('abort', withdraw);
        this.events.emit('confirmSettled', { id, allowed });
        resolve(allowed);
      };
      const withdraw = () => settle(false);
      signal.addEventListener('abort', withdraw, { once: true });
      const question: AgentConfirmRequest = { id, ...request };
      this.#waiting.set(id, { request: question, settle });
      this.events.emit('confirmRequest', question);
    });
  }
}
