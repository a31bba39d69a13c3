import { exportLine, type AgentConfirmRequest } from '../../../shared/src/agent.ts';
import { note, output, type Command } from '../command.ts';
import { interruptSignal } from '../interrupt.ts';
import { askYesNo } from '../prompt.ts';

/** The question for one signature, naming the key and, where the OS tells it, the program. */
export function confirmQuestion(request: AgentConfirmRequest): string {
  const client = request.client ? `${request.client.name} (pid ${request.client.pid})` : 'an unknown process';
  return `Sign with the key "${request.keyName}" (${request.fingerprint}) for ${client}?`;
}

/**
 * Answers each signature request on the terminal, one question at a time. Without a terminal nobody
 * can say yes, so each is refused (and the refusal noted): a piped line is not a person's answer.
 */
function terminalConfirmer(answer: (id: string, allow: boolean) => Promise<void>) {
  let queue: Promise<void> = Promise.resolve();
  return (request: AgentConfirmRequest) => {
    queue = queue.then(async () => {
      let allow = false;
      if (process.stdin.isTTY)
        allow = await askYesNo(`enscale-ssh: ${confirmQuestion(request)}`).catch(() => false);
      else
        note(`enscale-ssh: refused a signature with "${request.keyName}": no terminal to ask (--confirm).`);
      await answer(request.id, allow).catch(() => undefined);
    });
  };
}

/**
 * `enscale-ssh agent [--confirm]`: the vault's keys for `ssh`, `git`, `scp` on this computer, without
 * the window, until Ctrl-C or SIGTERM; the socket is removed on the way out. The `SSH_AUTH_SOCK`
 * line goes to stdout, as `ssh-agent` prints it (`eval "$(enscale-ssh agent)"` in a background job
 * works), or with --json one ready line.
 */
export const agentCommands: Command[] = [
  {
    words: ['agent'],
    options: { confirm: { type: 'boolean' } },
    args: { min: 0, max: 0 },
    serves: (options) => ({ agent: { confirm: options.confirm === true } }),
    async run(context) {
      const { agent } = context.api;
      const confirm = context.options.confirm === true;
      const interrupt = interruptSignal();
      const interrupted = new Promise<void>((resolve) =>
        interrupt.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      const stop = confirm
        ? agent.events.on(
            'confirmRequest',
            terminalConfirmer((id, allow) => agent.answer(id, allow)),
          )
        : () => undefined;
      try {
        const status = await agent.status();
        if (!status.running) throw new Error(status.error ?? 'The SSH agent did not start.');
        const line = exportLine(status.socketPath);
        if (context.json)
          process.stdout.write(
            `${JSON.stringify({ socketPath: status.socketPath, export: line, confirm: status.confirm })}\n`,
          );
        else output(context, null, () => line);
        note(
          `enscale-ssh: serving the vault's keys as an SSH agent${confirm ? ', asking before each signature' : ''}. Ctrl-C stops.`,
        );
        await interrupted;
        return 0;
      } finally {
        interrupt.dispose();
        stop();
      }
    },
  },
];
