import { InvalidInput } from '../../../../shared/src/errors.ts';
import type { SessionLogs } from './SessionLogs.ts';
import type { TerminalLog } from './TerminalLog.ts';

/**
 * The log half of the terminal contract (`startLog`, `stopLog`, `logFolder`, `openLogFolder`), the
 * same for terminals through the gateway and local ones: each service says how to find a tab's log.
 */
export class LogControls {
  constructor(
    /** The session logs, when this process keeps any. */
    private readonly logs: () => SessionLogs | undefined,
    /** The log of an open terminal; refuses a closed one with the service's own words. */
    private readonly logOf: (id: string) => TerminalLog,
    /** The log of a terminal, or undefined once it has closed. */
    private readonly findLog: (id: string) => TerminalLog | undefined,
  ) {}

  start(id: string): Promise<{ path: string }> {
    return this.logOf(id).start();
  }

  async stop(id: string): Promise<void> {
    await this.findLog(id)?.stop();
  }

  async folder(): Promise<{ path: string }> {
    return { path: await this.required().folder() };
  }

  openFolder(): Promise<{ path: string }> {
    return this.required().openFolder();
  }

  private required(): SessionLogs {
    const logs = this.logs();
    if (!logs) throw new InvalidInput('Session logs are not set up in this process.');
    return logs;
  }
}
