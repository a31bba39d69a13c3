import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readFile, rm } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Makes an OpenSSH key pair at `path` (and `path.pub`) with ssh-keygen, unless both exist.
 * Not ssh2's generateKeyPairSync: for Ed25519 it drops a leading zero byte of the public key
 * (about one key in 256), and sshd then refuses the whole file ("error in libcrypto").
 */
export async function ensureKeyFile(
  sshKeygen: string,
  path: string,
  type: 'ed25519' | 'rsa',
  options: { bits?: number; comment?: string } = {},
): Promise<{ publicKey: string }> {
  if (!existsSync(path) || !existsSync(`${path}.pub`)) {
    await rm(path, { force: true });
    await rm(`${path}.pub`, { force: true });
    const bits = type === 'rsa' ? ['-b', String(options.bits ?? 3072)] : [];
    await run(sshKeygen, ['-q', '-t', type, ...bits, '-N', '', '-C', options.comment ?? '', '-f', path]);
  }
  await chmod(path, 0o600);
  const [keyType, data] = (await readFile(`${path}.pub`, 'utf8')).trim().split(/\s+/);
  return { publicKey: `${keyType} ${data}` };
}
