import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { runTool } from '../core/agent/agentTools.ts';
import { cliCommand, runCli, startCli, terminalCommand } from './runCli.ts';

const SERVICE = `enscale-ssh-test-cli-${process.pid}`;

/**
 * `enscale-ssh agent` as a user runs it in a terminal or a script: the vault (in the test keychain)
 * served to the real `ssh-add` and `ssh-keygen -Y sign` until Ctrl-C, which removes the socket.
 */
let dir: string;
let profile: string;
let fingerprint: string;
let publicKey: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-agent-'));
  profile = join(dir, 'profile');
  const keyFile = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'work laptop', '-f', keyFile]);
  const imported = await runCli(profile, ['keys', 'import', keyFile]);
  expect(imported.code, imported.stderr).toBe(0);
  publicKey = readFileSync(`${keyFile}.pub`, 'utf8');
  fingerprint = execFileSync('ssh-keygen', ['-lf', `${keyFile}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
  // ssh never reads the key file: the agent is the only place the key is offered from.
  rmSync(keyFile);
}, 60_000);

afterAll(async () => {
  const listed = await runCli(profile, ['--json', 'keys', 'list']);
  for (const key of JSON.parse(listed.stdout || '[]') as { id: string }[])
    await runCli(profile, ['keys', 'delete', key.id], undefined, {});
  rmSync(dir, { recursive: true, force: true });
});

/** `enscale-ssh agent ARGS`, left running: its first stdout line, then its end. */
function startAgent(args: string[]) {
  return startCli(profile, ['agent', ...args], { ENSCALE_SSH_KEYCHAIN_SERVICE: SERVICE });
}

describe('enscale-ssh agent', () => {
  it('prints the SSH_AUTH_SOCK line, serves ssh-add, refuses ssh-add of a key, and Ctrl-C removes the socket', async () => {
    const agent = startAgent([]);
    const line = await agent.firstLine;
    const socketPath = join(profile, 'agent', 'agent.sock');
    expect(line).toBe(`SSH_AUTH_SOCK=${socketPath}; export SSH_AUTH_SOCK;`);
    // The line is for a shell: evaluated, ssh-add finds the agent through it.
    const listed = execFileSync('sh', ['-c', `${line} ssh-add -l`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(listed).toContain(`${fingerprint} work laptop (ED25519)`);
    const newKey = join(dir, 'id_new');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', newKey]);
    expect((await runTool('ssh-add', [newKey], socketPath).done).code).not.toBe(0);
    expect((await runTool('ssh-add', ['-D'], socketPath).done).code).not.toBe(0);
    agent.child.kill('SIGINT');
    const ended = await agent.ended;
    expect(ended.code).toBe(0);
    expect(existsSync(socketPath)).toBe(false);
    expect(ended.stderr).toMatch(/serving the vault's keys as an SSH agent\. Ctrl-C stops\./);
  }, 60_000);

  it('with --json prints one ready line; with --confirm and no terminal, refuses each signature', async () => {
    const agent = startAgent(['--json', '--confirm']);
    const ready = JSON.parse(await agent.firstLine) as {
      socketPath: string;
      export: string;
      confirm: boolean;
    };
    expect(ready).toEqual({
      socketPath: join(profile, 'agent', 'agent.sock'),
      export: `SSH_AUTH_SOCK=${ready.socketPath}; export SSH_AUTH_SOCK;`,
      confirm: true,
    });
    const pub = join(dir, 'key.pub');
    writeFileSync(pub, publicKey);
    const file = join(dir, 'note.txt');
    writeFileSync(file, 'hello\n');
    const signed = await runTool(
      'ssh-keygen',
      ['-Y', 'sign', '-f', pub, '-n', 'file', file],
      ready.socketPath,
    ).done;
    expect(signed.code).not.toBe(0);
    // Listing needs no confirmation.
    expect((await runTool('ssh-add', ['-l'], ready.socketPath).done).code).toBe(0);
    agent.child.kill('SIGTERM');
    const ended = await agent.ended;
    expect(ended.code).toBe(0);
    expect(ended.stderr).toMatch(/refused a signature with "work laptop": no terminal to ask/);
    expect(existsSync(ready.socketPath)).toBe(false);
  }, 60_000);

  it('with --confirm on a terminal, asks y/N for each signature: y signs, n refuses; Ctrl-C ends it', async () => {
    const child = spawn(
      'script',
      ['-qefc', terminalCommand(`${cliCommand(profile)} agent --confirm`), '/dev/null'],
      {
        env: { ...process.env, ENSCALE_SSH_KEYCHAIN_SERVICE: SERVICE, TERM: 'xterm' },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let screen = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const waiters: { pattern: RegExp; seen: () => void }[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      for (const waiter of [...waiters])
        if (waiter.pattern.test(screen)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.seen();
        }
    });
    /** Resolves once the terminal shows `pattern` (counted from the start, so each call names a new one). */
    const shows = (pattern: RegExp) =>
      new Promise<void>((resolve) => {
        if (pattern.test(screen)) resolve();
        else waiters.push({ pattern, seen: resolve });
      });
    const ended = new Promise<number | null>((resolve) => child.once('close', resolve));
    // A failed step leaves no agent behind for the next test.
    onTestFinished(() => void child.kill('SIGKILL'));
    const socketPath = join(profile, 'agent', 'agent.sock');
    await shows(/export SSH_AUTH_SOCK;/);
    const pub = join(dir, 'key.pub');
    writeFileSync(pub, publicKey);
    const file = join(dir, 'note.txt');
    writeFileSync(file, 'hello\n');
    const sign = () =>
      runTool('ssh-keygen', ['-Y', 'sign', '-f', pub, '-n', 'file', file], socketPath, {}).done;

    rmSync(`${file}.sig`, { force: true });
    const allowed = sign();
    await shows(/Sign with the key "work laptop" \(SHA256:\S+\) for ssh-keygen \(pid \d+\)\? \[y\/N\] /);
    child.stdin.write('y\r');
    expect((await allowed).code).toBe(0);

    rmSync(`${file}.sig`, { force: true });
    const refused = sign();
    await shows(/Sign with the key[\s\S]*Sign with the key[^\n]*\[y\/N\] /);
    child.stdin.write('n\r');
    expect((await refused).code).not.toBe(0);

    child.stdin.write('\u0003');
    expect(await ended, `terminal:\n${screen}\nstderr:\n${stderr}`).toBe(0);
    expect(existsSync(socketPath)).toBe(false);
  }, 60_000);

  it('fails, saying why, while another agent serves the profile', async () => {
    const first = startAgent([]);
    await first.firstLine;
    try {
      const second = await runCli(profile, ['agent']);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/Another SSH agent already answers on .*agent\.sock/);
    } finally {
      first.child.kill('SIGINT');
      await first.ended;
    }
  }, 60_000);
});
