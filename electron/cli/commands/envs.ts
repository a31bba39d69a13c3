import { environmentStatusLabel } from '../../../shared/src/environment.ts';
import { note, output, type Command } from '../command.ts';

export const envsCommands: Command[] = [
  {
    words: ['envs'],
    args: { min: 0, max: 0 },
    async run(context) {
      const list = await context.api.platform.environments();
      if (list.offline)
        note(
          `The platform cannot be reached: this is the list of ${new Date(list.fetchedAt).toLocaleString()}.`,
        );
      output(context, list.environments, () =>
        list.environments
          .map((env) =>
            [
              `${env.envName}  ${environmentStatusLabel(env.status)}  ${env.domain}`,
              ...env.nodes.map(
                (node) =>
                  `  ${String(node.id).padEnd(9)} ${node.nodeGroup.padEnd(8)} ${node.nodeType.padEnd(14)} ` +
                  `${node.displayName || node.name}${node.running ? '' : '  (stopped)'}`,
              ),
            ].join('\n'),
          )
          .join('\n'),
      );
    },
  },
];
