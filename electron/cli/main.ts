import { mkdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Cancelled } from '../../shared/src/errors.ts';
import { note, type Command, type OptionSpec } from './command.ts';
import { envsCommands } from './commands/envs.ts';
import { importCommands } from './commands/import.ts';
import { hostsCommands } from './commands/hosts.ts';
import { keysCommands } from './commands/keys.ts';
import { platformCommands } from './commands/platform.ts';
import { remoteCommands } from './commands/remote.ts';
import { sqlCommands } from './commands/sql.ts';
import { sshConfigCommands } from './commands/sshConfig.ts';
import { tunnelCommands } from './commands/tunnel.ts';
import { agentCommands } from './commands/agent.ts';
import { transferCommands } from './commands/transfers.ts';
import type { CoreSession } from './CoreSession.ts';
import { oldCliFolderNote, profileDir } from '../core/profileDir.ts';
import { USAGE, UsageError } from './usage.ts';
import { printableLine } from '../../shared/src/printable.ts';

const COMMANDS: Command[] = [
  ...platformCommands,
  ...keysCommands,
  ...envsCommands,
  ...remoteCommands,
  ...hostsCommands,
  ...transferCommands,
  ...sqlCommands,
  ...tunnelCommands,
  ...importCommands,
  ...sshConfigCommands,
  ...agentCommands,
];

// Accepted before or after the command's words.
const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  profile: { type: 'string' },
  identity: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

interface CommandLine {
  command: Command | undefined;
  options: Record<string, string | boolean | undefined>;
  args: string[];
  rest: string[];
}

/** Splits a positional list at `--`, using parseArgs' tokens (it knows where the terminator was). */
function positionalsAround(tokens: ReturnType<typeof parseArgs>['tokens']): {
  before: string[];
  after: string[];
} {
  const before: string[] = [];
  const after: string[] = [];
  let terminated = false;
  for (const token of tokens ?? []) {
    if (token.kind === 'option-terminator') terminated = true;
    else if (token.kind === 'positional') (terminated ? after : before).push(token.value);
  }
  return { before, after };
}

/** The command line, read by node's parseArgs: first to find the command, then strictly with its options. */
export function parseCommandLine(argv: string[]): CommandLine {
  // A lenient pass only to find the command's words; the strict pass below judges everything.
  const loose = parseArgs({
    args: argv,
    options: GLOBAL_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const words = positionalsAround(loose.tokens).before;
  const command = [...COMMANDS]
    .sort((a, b) => b.words.length - a.words.length)
    .find((candidate) => candidate.words.every((word, index) => words[index] === word));
  if (!command) {
    if (loose.values.help || words.length === 0)
      return { command: undefined, options: {}, args: [], rest: [] };
    const known = COMMANDS.some((candidate) => candidate.words[0] === words[0]);
    throw new UsageError(
      known ? `'${words.slice(0, 2).join(' ')}' is not a command.` : `Unknown command '${words[0] ?? ''}'.`,
    );
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: true,
      tokens: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { before, after } = positionalsAround(parsed.tokens);
  const args = before.slice(command.words.length);
  const name = command.words.join(' ');
  if (after.length > 0 && !command.rest) throw new UsageError(`'${name}' takes nothing after --.`);
  if (args.length < command.args.min) throw new UsageError(`'${name}' needs more arguments.`);
  if (args.length > command.args.max) throw new UsageError(`Too many arguments for '${name}'.`);
  // No option is declared `multiple`, so every value is a string or a boolean.
  return { command, options: parsed.values as CommandLine['options'], args, rest: after };
}

/** A message on one line: what went wrong and what to do, never a stack. */
export function reportError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  // Server and platform messages can carry names a tenant chose: no terminal controls get through.
  process.stderr.write(
    `enscale-ssh: ${printableLine(message.replace(/\s*\n\s*/g, ' ')).trim() || 'failed'}\n`,
  );
}

/** Runs one command line; resolves with the exit status. */
export async function main(argv: string[]): Promise<number> {
  let session: CoreSession | undefined;
  try {
    const line = parseCommandLine(argv);
    if (!line.command) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (line.options.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const profile = line.options.profile;
    const chosen = { profile: typeof profile === 'string' ? profile : undefined };
    const dataDir = profileDir(chosen);
    const oldFolder = await oldCliFolderNote(chosen);
    if (oldFolder) note(oldFolder);
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const keychainService = process.env.ENSCALE_SSH_KEYCHAIN_SERVICE;
    const identityFile = line.options.identity;
    const environmentToken = process.env.ENSCALE_SSH_TOKEN?.trim();
    // Loaded only once a command runs: the core (ssh2, the keychain, node-pty) is most of the start-up
    // time, and `--help` or a usage error needs none of it.
    const { CoreSession } = await import('./CoreSession.ts');
    const { readIdentity } = await import('./identity.ts');
    session = new CoreSession({
      dataDir,
      ...(keychainService ? { keychainService } : {}),
      ...(typeof identityFile === 'string' ? { identities: [await readIdentity(identityFile)] } : {}),
      ...(environmentToken ? { environmentToken } : {}),
      ...line.command.serves?.(line.options),
    });
    const { json, profile: _profile, identity: _identity, help: _help, ...options } = line.options;
    const status = await line.command.run({
      api: session.api,
      json: json === true,
      options,
      args: line.args,
      rest: line.rest,
    });
    return typeof status === 'number' ? status : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      reportError(error);
      process.stderr.write(`\n${USAGE}`);
      return 2;
    }
    reportError(error);
    return error instanceof Cancelled ? 130 : 1;
  } finally {
    session?.close();
  }
}
