import { resolve } from 'node:path';
import { Cancelled } from '../../../shared/src/errors.ts';
import type { DatabaseCredentials } from '../../../shared/src/databases.ts';
import { output, stringOption, type Command, type CommandContext } from '../command.ts';
import { interruptSignal } from '../interrupt.ts';
import { formatBytes, ProgressBar } from '../progress.ts';
import { readSecret } from '../prompt.ts';
import { findNode, gatewayTarget, parseNodeId } from '../targets.ts';
import { UsageError } from '../usage.ts';

/** An import or export of a database node; the password is read as for login, never an argument. */
async function sql(context: CommandContext, direction: 'import' | 'export'): Promise<void> {
  const [node, file = ''] = context.args;
  const nodeId = parseNodeId(node);
  const database = stringOption(context, 'db');
  const user = stringOption(context, 'user');
  if (!database || !user) throw new UsageError('Name the database and its user: --db NAME --user USER.');
  const { api } = context;
  const target = await gatewayTarget(context, nodeId);
  const { nodeType } = await findNode(api, nodeId);
  const credentials: DatabaseCredentials = {
    database,
    user,
    password: await readSecret(`Password of ${user} on ${database}: `),
  };
  const path = resolve(file);
  const bar = new ProgressBar(file);
  // One import or export per process: every progress event is this one's.
  const stop = api.databases.events.on('progress', (p) => bar.update(p.bytes, p.total, p.rate));
  const interrupt = interruptSignal();
  const options = { signal: interrupt.signal };
  try {
    const result =
      direction === 'import'
        ? await api.databases.importSql({ target, nodeType, file: path, credentials }, options)
        : await api.databases.exportSql(
            { target, nodeType, file: path, gzip: /\.gz$/i.test(path), credentials },
            options,
          );
    bar.finish();
    output(context, result, () =>
      direction === 'import'
        ? `Imported ${formatBytes(result.bytes)} into ${database} in ${(result.durationMs / 1000).toFixed(1)} s.`
        : `Exported ${database} (${formatBytes(result.bytes)}) to ${path} in ${(result.durationMs / 1000).toFixed(1)} s.`,
    );
  } catch (error) {
    if (error instanceof Cancelled && direction === 'import')
      throw new Cancelled(
        'Stopped; statements the server received before the interruption may have been applied.',
      );
    throw error;
  } finally {
    interrupt.dispose();
    stop();
    bar.finish();
  }
}

const options = { db: { type: 'string' }, user: { type: 'string' } } as const;

export const sqlCommands: Command[] = [
  { words: ['sql', 'import'], options, args: { min: 2, max: 2 }, run: (context) => sql(context, 'import') },
  { words: ['sql', 'export'], options, args: { min: 2, max: 2 }, run: (context) => sql(context, 'export') },
];
