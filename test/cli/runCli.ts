import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { shellQuote } from '../../shared/src/shellQuote.ts';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/enscale-ssh.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout as bytes, for byte-exact checks. */
  raw: Buffer;
}

/**
 * Runs the real command (`node bin/enscale-ssh.js --profile DIR …`) as a user would, with its own
 * keychain service; `input` goes to stdin, which is then closed.
 */
export function runCli(
  profile: string,
  args: string[],
  input?: string | Buffer,
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--profile', profile, ...args], {
      env: {
        ...process.env,
        ENSCALE_SSH_KEYCHAIN_SERVICE: `enscale-ssh-test-cli-${process.pid}`,
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    collect(child, resolve, reject);
    // The command may end without reading stdin; that is not an error of the test.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** Gathers a child's output and status into a CliResult. */
function collect(
  child: ChildProcessWithoutNullStreams,
  resolve: (result: CliResult) => void,
  reject: (error: Error) => void,
): void {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  child.on('error', reject);
  child.on('close', (code) => {
    const raw = Buffer.concat(out);
    resolve({ code, stdout: raw.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), raw });
  });
}

/** The command's one JSON document. */
export const json = <T>(result: CliResult): T => JSON.parse(result.stdout) as T;

/** The command line that runs the CLI on a profile, for a shell (`script -c`). */
export const cliCommand = (profile: string): string =>
  [process.execPath, BIN, '--profile', profile].map(shellQuote).join(' ');

/**
 * `script` runs its command line through $SHELL; `exec` makes the command the terminal's process
 * itself. Where $SHELL is dash (CI runs with /bin/sh) the shell otherwise stays between them and dies
 * of a Ctrl-C meant for the command, so the status read was the shell's 130, not the command's.
 */
export const terminalCommand = (commandLine: string): string => `exec ${commandLine}`;

/**
 * Runs a command line on a pseudo-terminal (util-linux `script`), typing `input` into it; the
 * status is the command's (`-e`).
 */
export function runInPty(commandLine: string, input: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', terminalCommand(commandLine), '/dev/null'], {
      env: {
        ...process.env,
        ENSCALE_SSH_KEYCHAIN_SERVICE: `enscale-ssh-test-cli-${process.pid}`,
        TERM: 'xterm',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    collect(child, resolve, reject);
    child.stdin.on('error', () => undefined);
    // Typed once the session is up; `script` passes it on as keystrokes. Stdin stays open: its
    // end would reach the pty as end-of-file before the shell has read the line.
    child.stdout.once('data', () => child.stdin.write(input));
  });
}

/** A CLI run left going (a tunnel): its first stdout line, then whatever it says until it ends. */
export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  firstLine: Promise<string>;
  ended: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts the real command and returns at once (a tunnel, the agent: they run until stopped). */
export function startCli(profile: string, args: string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, '--profile', profile, ...args], {
    env: { ...process.env, ENSCALE_SSH_KEYCHAIN_SERVICE: `enscale-ssh-test-cli-${process.pid}`, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('close', () => reject(new Error(`the command ended before its first line: ${stderr}`)));
  });
  firstLine.catch(() => undefined);
  const ended = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, firstLine, ended };
}
