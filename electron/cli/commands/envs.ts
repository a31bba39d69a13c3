import { environmentStatusLabel, EnvironmentStatus } from '../../../shared/src/environment.ts';
import { InvalidInput, NodeNotFound } from '../../../shared/src/errors.ts';
import type { Environment } from '../../../shared/src/platform.ts';
import { note, output, type Command, type CommandContext } from '../command.ts';
import { askYesNo } from '../prompt.ts';
import { UsageError } from '../usage.ts';

const nodeLine = (node: Environment['nodes'][number]) => `${node.id} (${node.displayName || node.nodeType})`;

async function findEnvironment(context: CommandContext, name: string): Promise<Environment> {
  const { environments, offline } = await context.api.platform.environments();
  if (offline) throw new InvalidInput('The platform cannot be reached: nothing was changed.');
  const env = environments.find((candidate) => candidate.envName === name);
  if (!env)
    throw new NodeNotFound(
      `No environment '${name}' in your account; yours are: ${environments.map((e) => e.envName).join(', ') || 'none'}.`,
    );
  return env;
}

/** What each change is called, what it leaves, and whether it takes nodes down (then it asks first). */
const CHANGES = {
  start: { doing: 'Starting', done: EnvironmentStatus.Running, takesDown: false },
  stop: { doing: 'Stopping', done: EnvironmentStatus.Down, takesDown: true },
  sleep: { doing: 'Putting to sleep', done: EnvironmentStatus.Sleep, takesDown: true },
} as const;

/** `env start|stop|sleep NAME`: waits for the platform (it answers when done), then prints the status. */
const environmentChange = (action: keyof typeof CHANGES): Command => ({
  words: ['env', action],
  options: CHANGES[action].takesDown ? { yes: { type: 'boolean', short: 'y' } } : {},
  args: { min: 1, max: 1 },
  async run(context) {
    const change = CHANGES[action];
    const env = await findEnvironment(context, context.args[0] ?? '');
    if (env.status === change.done) {
      note(`${env.envName} is already ${environmentStatusLabel(env.status).toLowerCase()}.`);
      output(context, env, () => `${env.envName}  ${environmentStatusLabel(env.status)}`);
      return 0;
    }
    if (change.takesDown && context.options.yes !== true) {
      if (!process.stdin.isTTY)
        throw new UsageError(`'env ${action}' asks before taking nodes down: add --yes in a script.`);
      const nodes = env.nodes.map(nodeLine).join(', ') || 'none';
      if (
        !(await askYesNo(
          `${action === 'stop' ? 'Stop' : 'Put to sleep'} ${env.envName}? Its nodes go down: ${nodes}. Open sessions on them end.`,
        ))
      ) {
        note('Nothing was changed.');
        return 1;
      }
    }
    const started = Date.now();
    const ticker = progress(`${change.doing} ${env.envName} (the platform answers when it is done)`, started);
    let after: Environment;
    try {
      after = await context.api.platform[`${action}Environment`](env.envName);
    } finally {
      ticker.stop();
    }
    note(
      `${env.envName}: ${environmentStatusLabel(after.status)} after ${Math.round((Date.now() - started) / 1000)} s.`,
    );
    output(context, after, () => `${after.envName}  ${environmentStatusLabel(after.status)}`);
    return 0;
  },
});

/** A line on stderr that counts the seconds while the platform works (only on a terminal). */
function progress(text: string, since: number): { stop(): void } {
  if (!process.stderr.isTTY) {
    note(`${text}…`);
    return { stop: () => undefined };
  }
  const draw = () => process.stderr.write(`\r${text}… ${Math.round((Date.now() - since) / 1000)} s`);
  draw();
  const timer = setInterval(draw, 1000);
  return {
    stop() {
      clearInterval(timer);
      process.stderr.write('\r\x1b[K');
    },
  };
}

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
  environmentChange('start'),
  environmentChange('stop'),
  environmentChange('sleep'),
];
