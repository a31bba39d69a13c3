import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { InvalidInput, PassphraseRequired } from '../../shared/src/errors.ts';
import { readKeyFile } from '../core/keys/keyImport.ts';
import { writeOpenSshPrivateKey } from '../core/keys/opensshFormat.ts';
import { readSecret } from './prompt.ts';

/** A key given with `--identity`: offered to the gateway for this run only, never stored. */
export interface Identity {
  name: string;
  /** Unencrypted OpenSSH private-key text, in this process's memory only. */
  privateKey: string;
}

/**
 * Reads `--identity FILE` (OpenSSH, PEM or PuTTY .ppk) with the vault's own importer. An encrypted
 * file's passphrase comes from the terminal without echo, or as a line of stdin.
 */
export async function readIdentity(path: string): Promise<Identity> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new InvalidInput(`Cannot read the --identity key file ${path} (${error.code ?? error.message}).`);
  });
  const name = basename(path);
  let parsed;
  try {
    parsed = await readKeyFile({ bytes });
  } catch (error) {
    if (!(error instanceof PassphraseRequired)) throw error;
    const passphrase = await readSecret(`Passphrase for ${path}: `, 'passphrase');
    parsed = await readKeyFile({ bytes, passphrase });
  }
  return { name, privateKey: writeOpenSshPrivateKey(parsed.pair, parsed.comment || name) };
}
