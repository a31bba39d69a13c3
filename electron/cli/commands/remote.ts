import { randomUUID } from 'node:crypto';
import type { CoreContract } from '../../../shared/src/contract.ts';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import { note, type Command } from '../command.ts';
import { droppedMessage, exitStatus, remoteCommand } from '../exitStatus.ts';
import { gatewayTarget, nodeOrHostTarget } from '../targets.ts';
import { runTerminal } from '../terminal.ts';

/**
 * A command without a pty, like `ssh host cmd`: stdout and stderr stay apart and byte-exact, stdin
 * is passed on until its end, and the exit status comes back.
 */
async function runCommand(api: CoreContract, target: ConnectionTarget, command: string): Promise<number> {
  const id = randomUUID();
  const forward = (stream: NodeJS.WriteStream) => (event: { id: string; data: Uint8Array }) => {
    if (event.id !== id) return;
    // Acknowledged once written: output waits for a slow reader instead of piling up.
    stream.write(event.data, () => void api.exec.ack(id, event.data.length).catch(() => undefined));
  };
  const stops = [
    api.exec.events.on('stdout', forward(process.stdout)),
    api.exec.events.on('stderr', forward(process.stderr)),
  ];
  let ended = false;
  const running = api.exec.run(target, command, { id });
  const pump = async () => {
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      if (ended) return;
      await api.exec.write(id, chunk);
    }
    if (!ended) await api.exec.end(id);
  };
  // The command may end before its stdin does (or never read it): then the rest is not needed.
  pump().catch(() => undefined);
  try {
    const result = await running;
    if (result.code === null && result.signal === null) note(`enscale-ssh: ${droppedMessage}`);
    return exitStatus(result.code, result.signal);
  } finally {
    ended = true;
    for (const stop of stops) stop();
    process.stdin.pause();
  }
}

export const remoteCommands: Command[] = [
  {
    words: ['ssh'],
    args: { min: 1, max: Infinity },
    rest: true,
    async run(context) {
      const [node, ...words] = context.args;
      const target = await nodeOrHostTarget(context, node);
      const command = [...words, ...context.rest];
      if (command.length === 0) return runTerminal(context.api, target);
      return runCommand(context.api, target, remoteCommand(command));
    },
  },
  {
    words: ['menu'],
    args: { min: 0, max: 0 },
    async run(context) {
      return runTerminal(context.api, await gatewayTarget(context));
    },
  },
];
