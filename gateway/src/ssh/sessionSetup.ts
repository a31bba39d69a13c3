import type { Session } from 'ssh2';
import { EnvironmentRequest, type TerminalRequest } from './nodeChannel.ts';

/** What a client asked for before starting its session: a terminal, and environment variables. */
export interface SessionSetup {
  /** The pty the client requested, kept current by window changes; undefined without one. */
  terminal(): TerminalRequest | undefined;
  readonly env: EnvironmentRequest;
}

/**
 * Collects pty-req, window-change and env requests of a session channel — the same for the menu and
 * for direct mode. `onResize` hands a window change on to whatever the session is bridged to.
 */
export function collectSessionSetup(
  session: Session,
  onResize: (rows: number, cols: number, height: number, width: number) => void,
): SessionSetup {
  let terminal: TerminalRequest | undefined;
  const env = new EnvironmentRequest();
  session.on('pty', (accept, _reject, info) => {
    terminal = {
      term: info.term,
      cols: info.cols,
      rows: info.rows,
      width: info.width,
      height: info.height,
      modes: info.modes,
    };
    accept?.();
  });
  session.on('window-change', (accept, _reject, info) => {
    if (terminal)
      Object.assign(terminal, { cols: info.cols, rows: info.rows, width: info.width, height: info.height });
    onResize(info.rows, info.cols, info.height, info.width);
    accept?.();
  });
  session.on('env', (accept, reject, info) => {
    if (env.add(info.key, info.val)) accept?.();
    else reject?.();
  });
  return { terminal: () => terminal, env };
}
