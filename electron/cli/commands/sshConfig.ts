import type { SshConfigScope, SshConfigStatus } from '../../../shared/src/sshConfig.ts';
import { note, output, type Command } from '../command.ts';
import { UsageError } from '../usage.ts';

/** ENV or NODE as typed: digits are a node ID (as `envs` lists them), anything else an environment. */
function scopeOf(word: string | undefined): SshConfigScope {
  if (word === undefined) return { kind: 'all' };
  if (/^[1-9][0-9]{0,8}$/.test(word)) return { kind: 'node', nodeId: Number(word) };
  return { kind: 'environment', name: word };
}

const statusLine = (status: SshConfigStatus): string =>
  status.installed
    ? `${status.userConfig} includes ${status.file} (${status.hosts} hosts, kept current while the app runs).`
    : `${status.userConfig} does not include the app's entries.`;

/**
 * `ssh-config [ENV|NODE]` prints Host entries (to append to a config or use with `ssh -F`);
 * `--write` adds the Include to ~/.ssh/config, `--remove` takes it out again.
 */
export const sshConfigCommands: Command[] = [
  {
    words: ['ssh-config'],
    options: { write: { type: 'boolean' }, remove: { type: 'boolean' } },
    args: { min: 0, max: 1 },
    async run(context) {
      const { write, remove } = context.options;
      if (write && remove) throw new UsageError("'ssh-config' takes --write or --remove, not both.");
      if ((write || remove) && context.args.length > 0)
        throw new UsageError(
          `'ssh-config --${write ? 'write' : 'remove'}' is for every node: leave out '${context.args[0] ?? ''}'.`,
        );
      if (write || remove) {
        const status = await (write ? context.api.sshConfig.install() : context.api.sshConfig.uninstall());
        output(context, status, () => statusLine(status));
        return 0;
      }
      const text = await context.api.sshConfig.text(scopeOf(context.args[0]));
      // As is for people: it is meant to be redirected into a file or appended to a config.
      output(context, { text }, () => text);
      if (process.stdout.isTTY)
        note('Save it with > FILE and use `ssh -F FILE HOST`, or run `enscale-ssh ssh-config --write`.');
      return 0;
    },
  },
];
