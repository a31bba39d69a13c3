import { output, type Command } from '../command.ts';

/** `hosts`: the saved plain hosts (names `ssh`, `put` and `get` accept) and node shortcuts. */
export const hostsCommands: Command[] = [
  {
    words: ['hosts'],
    args: { min: 0, max: 0 },
    async run(context) {
      const list = await context.api.hosts.list();
      const jumpName = (id: string | undefined) => list.hosts.find((h) => h.id === id)?.name;
      output(context, list, () =>
        [
          ...list.hosts.map((h) => {
            const via = jumpName(h.jumpHostId);
            const auth = h.auth.kind === 'agent' ? 'your SSH agent' : 'a vault key';
            return `${h.name}\t${h.user}@${h.host}:${h.port}\t${auth}${via ? `\tvia ${via}` : ''}`;
          }),
          ...list.shortcuts.map((s) => `${s.name}\tnode ${s.nodeId} (shortcut)`),
          ...(list.hosts.length + list.shortcuts.length === 0
            ? ['No saved hosts: add them in the app or with enscale-ssh import.']
            : []),
        ].join('\n'),
      );
      return 0;
    },
  },
];
