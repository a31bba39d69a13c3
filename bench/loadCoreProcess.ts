/**
 * Runs the core part of `npm run bench -- load` in a process of its own, started the way the desktop
 * app starts its core: with the core's environment (CORE_PROCESS_ENV, the allocator setting that
 * decides how much memory returns after the load) and nothing of the benchmark's own work in it.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CORE_PROCESS_ENV } from '../electron/core-process/allocatorTuning.ts';
import { runCoreLoad, type CoreLoadOptions, type CoreLoadResult } from './loadCore.ts';

type Message = { type: 'log'; line: string } | { type: 'result'; result: CoreLoadResult };
/** The options as they cross to the child: functions replaced by data. */
type SentOptions = Omit<CoreLoadOptions, 'log' | 'nodeHome'> & { homes: Record<string, string> };

/** `runCoreLoad` in a child process with the core's environment; `log` gets its progress lines. */
export function runCoreLoadInCoreProcess(options: CoreLoadOptions): Promise<CoreLoadResult> {
  const { log, nodeHome, ...rest } = options;
  const sent: SentOptions = {
    ...rest,
    homes: Object.fromEntries(rest.usernames.map((u) => [u, nodeHome(u)])),
  };
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(sent)], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...CORE_PROCESS_ENV },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: CoreLoadResult | undefined;
    child.on('message', (message: Message) => {
      if (message.type === 'log') log?.(message.line);
      else result = message.result;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the core load process exited with status ${code}`)),
    );
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const send = (message: Message) => process.send?.(message);
  const { homes, ...options } = JSON.parse(process.argv[2] ?? '{}') as SentOptions;
  const result = await runCoreLoad({
    ...options,
    nodeHome: (username) => {
      const home = homes[username];
      if (!home) throw new Error(`no node home for ${username}`);
      return home;
    },
    log: (line) => send({ type: 'log', line }),
  });
  await new Promise<void>((resolve) => process.send?.({ type: 'result', result }, () => resolve()));
  // Whatever the load left behind (timers, sockets closing) must not keep the benchmark waiting.
  process.exit(0);
}
