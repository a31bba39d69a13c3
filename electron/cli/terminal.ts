import { StringDecoder } from 'node:string_decoder';
import type { CoreContract } from '../../shared/src/contract.ts';
import type { ConnectionTarget } from '../../shared/src/connections.ts';
import type { TerminalEvents } from '../../shared/src/terminals.ts';
import { note } from './command.ts';
import { exitStatus } from './exitStatus.ts';

/**
 * An interactive session (a node's shell, the gateway's menu) on this terminal: keys go to the pty
 * raw, output is written and acknowledged, window size changes follow, and the terminal is put back
 * as it was however the session ends.
 */
export async function runTerminal(api: CoreContract, target: ConnectionTarget): Promise<number> {
  const { stdin, stdout } = process;
  // Output may arrive before `open` has told us the id: kept until then.
  let id: string | undefined;
  const early: TerminalEvents['data'][] = [];
  const draw = (event: TerminalEvents['data']) => {
    stdout.write(
      event.data,
      () => void api.terminals.ack(event.id, event.data.length).catch(() => undefined),
    );
  };
  let exited!: (event: TerminalEvents['exit']) => void;
  const exit = new Promise<TerminalEvents['exit']>((resolve) => (exited = resolve));
  const earlyExits: TerminalEvents['exit'][] = [];
  const stops = [
    api.terminals.events.on('data', (event) => {
      if (id === undefined) early.push(event);
      else if (event.id === id) draw(event);
    }),
    api.terminals.events.on('exit', (event) => {
      if (id === undefined) earlyExits.push(event);
      else if (event.id === id) exited(event);
    }),
  ];
  const raw = stdin.isTTY;
  const restore = () => {
    if (raw) stdin.setRawMode(false);
  };
  try {
    const opened = await api.terminals.open({
      target,
      cols: stdout.columns || 80,
      rows: stdout.rows || 24,
    });
    id = opened.id;
    const sessionId = opened.id;
    for (const event of early.splice(0)) if (event.id === sessionId) draw(event);
    const exitedEarly = earlyExits.find((event) => event.id === sessionId);
    if (exitedEarly) exited(exitedEarly);

    if (raw) stdin.setRawMode(true);
    process.once('exit', restore);
    const decoder = new StringDecoder('utf8');
    const onInput = (chunk: Buffer) => {
      const text = decoder.write(chunk);
      if (text) api.terminals.write(sessionId, text).catch(() => undefined);
    };
    const onResize = () =>
      void api.terminals.resize(sessionId, stdout.columns || 80, stdout.rows || 24).catch(() => undefined);
    stdin.on('data', onInput);
    stdout.on('resize', onResize);
    stdin.resume();
    try {
      const end = await exit;
      if (end.reason) {
        restore();
        note(`enscale-ssh: ${end.reason}`);
      }
      return exitStatus(end.code, end.signal);
    } finally {
      stdin.off('data', onInput);
      stdout.off('resize', onResize);
      stdin.pause();
    }
  } finally {
    restore();
    process.off('exit', restore);
    for (const stop of stops) stop();
  }
}
