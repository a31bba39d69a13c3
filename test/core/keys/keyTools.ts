import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CappedSecretStore, KeytarSecretStore } from '../../../electron/core/keys/secretStore.ts';

const run = promisify(execFile);

/** One keychain service per test file run, so parallel and repeated runs never see each other's secrets. */
export function uniqueService(): string {
  return `Enscale SSH test ${randomUUID()}`;
}

/** The real keychain (gnome-keyring under scripts/with-keyring.sh) with Windows' 2560-byte cap enforced. */
export function cappedKeychain(): CappedSecretStore {
  return new CappedSecretStore(new KeytarSecretStore());
}

export interface Scratch {
  readonly dir: string;
  /** Writes `content` to `name` inside the scratch folder (mode 0600, as ssh-keygen insists) and returns its path. */
  file(name: string, content: string): Promise<string>;
  remove(): Promise<void>;
}

export async function scratch(prefix: string): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  return {
    dir,
    async file(name, content) {
      const path = join(dir, name);
      await writeFile(path, content, { mode: 0o600 });
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Runs PuTTY's puttygen; its passphrases always come from files, so it never waits on a prompt. */
export async function puttygen(...args: string[]): Promise<string> {
  const { stdout } = await run('puttygen', args);
  return stdout;
}

export async function sshKeygen(...args: string[]): Promise<string> {
  const { stdout } = await run('ssh-keygen', args);
  return stdout;
}

/** `type base64` of an OpenSSH public key line, without its comment. */
export function keyPart(line: string): string {
  return line.trim().split(/\s+/).slice(0, 2).join(' ');
}
