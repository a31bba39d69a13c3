import type { HostKeysApi } from '../../../shared/src/hostKeys.ts';
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { decodeTextFile } from '../keys/textFile.ts';
import type { PinnedHostKey } from '../../../shared/src/connections.ts';
import { HostKeyChanged, HostKeyRejected, HostKeyUnknown } from '../../../shared/src/errors.ts';
import type { HostKeyDecision, HostKeyEvents, HostKeyQuestion } from '../../../shared/src/hostKeys.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import { writeFileAtomic } from '../storage/atomicFile.ts';
import {
  entryMatches,
  formatEntry,
  hostToken,
  parseKnownHosts,
  type KnownHostEntry,
} from './knownHostsFile.ts';

export interface HostKeyCheck {
  host: string;
  port: number;
  /** The key blob the server presented (SSH wire format). */
  key: Buffer;
  /** A platform preset's published key: trusted without a question. */
  pinned?: PinnedHostKey;
  /** Whether someone can be asked; scripts cannot. */
  interactive: boolean;
}

export const sha256Fingerprint = (blob: Buffer): string =>
  'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
export const md5Fingerprint = (blob: Buffer): string =>
  createHash('md5')
    .update(blob)
    .digest('hex')
    .replace(/(..)(?!$)/g, '$1:');

function keyTypeOf(blob: Buffer): string {
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  return blob.subarray(4, 4 + length).toString('latin1');
}

const CHANGED_ADVICE =
  'Someone may be intercepting the connection, or the server was reinstalled. ' +
  'Do not connect until your platform confirms the new key.';

const knownTypes = (entries: readonly KnownHostEntry[]): string[] => [
  ...new Set(entries.map((entry) => entry.keyType)),
];

/**
 * Trust in servers' host keys, kept in an OpenSSH known_hosts file (`ssh-keygen -F` reads it).
 * A new key becomes a question for the UI; a changed key is refused with both fingerprints.
 */
export class HostKeys implements HostKeysApi {
  readonly events = new Emitter<HostKeyEvents>();
  private readonly waiting = new Map<string, (decision: HostKeyDecision) => void>();
  // One write at a time: two remembered keys must not race each other's rename.
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  /** Resolves when the key may be used; rejects with a typed error when it may not. */
  async verify(check: HostKeyCheck): Promise<void> {
    const sha256 = sha256Fingerprint(check.key);
    const md5 = md5Fingerprint(check.key);
    const keyType = keyTypeOf(check.key);
    const token = hostToken(check.host, check.port);
    const base64 = check.key.toString('base64');

    if (check.pinned && (check.pinned.sha256 || check.pinned.md5)) {
      const matches = check.pinned.sha256 ? check.pinned.sha256 === sha256 : check.pinned.md5 === md5;
      if (matches) return;
      throw this.changed(token, check.pinned.sha256 ?? `MD5:${check.pinned.md5}`, sha256);
    }

    const entries = parseKnownHosts(await this.read());
    const forHost = entries.filter((entry) => entryMatches(entry, token));
    if (forHost.some((entry) => entry.revoked && entry.key === base64)) {
      throw new HostKeyRejected(`The host key of ${token} (${sha256}) is marked as revoked in known_hosts.`, {
        host: token,
        sha256,
      });
    }
    const trusted = forHost.filter((entry) => !entry.revoked);
    const sameType = trusted.filter((entry) => entry.keyType === keyType);
    if (sameType.some((entry) => entry.key === base64)) return;
    // A key of a type not known for a host that has known keys is a changed key, not a new host:
    // otherwise a man in the middle need only offer another type to get a plain "trust?" question.
    if (trusted.length > 0) {
      const known = sha256Fingerprint(Buffer.from((sameType[0] ?? trusted[0])?.key ?? '', 'base64'));
      const types = sameType.length > 0 ? undefined : knownTypes(trusted);
      throw this.changed(token, known, sha256, types && { known: types, offered: keyType });
    }

    const knownAs = entries
      .filter((entry) => !entry.revoked && entry.key === base64)
      .flatMap((entry) => entry.patterns.filter((p) => !p.startsWith('|') && !p.startsWith('!')));
    if (!check.interactive) {
      throw new HostKeyUnknown(
        `The host key of ${token} is not known: ${sha256} (MD5 ${md5}). ` +
          `Compare it with the one your platform publishes, then pin it with --fingerprint ${sha256}.`,
        { host: token, sha256, md5, knownAs },
      );
    }
    const question: HostKeyQuestion = {
      id: randomUUID(),
      host: check.host,
      port: check.port,
      keyType,
      sha256,
      md5,
      knownAs,
    };
    const decision = await new Promise<HostKeyDecision>((resolve) => {
      this.waiting.set(question.id, resolve);
      this.events.emit('question', question);
    });
    if (decision === 'reject') {
      throw new HostKeyRejected(`You did not trust the host key of ${token} (${sha256}).`, {
        host: token,
        sha256,
      });
    }
    if (decision === 'remember') await this.remember(check.host, check.port, check.key);
  }

  /** The UI's answer to a question; unknown ids (already answered) are ignored. */
  async answer(id: string, decision: HostKeyDecision): Promise<void> {
    const resolve = this.waiting.get(id);
    this.waiting.delete(id);
    resolve?.(decision);
  }

  /** Records a key as trusted for the host (used by answers and by `--fingerprint` pins). */
  async remember(host: string, port: number, key: Buffer): Promise<void> {
    const line = formatEntry(hostToken(host, port), keyTypeOf(key), key.toString('base64'));
    const write = this.writes.then(async () => {
      const current = await this.read();
      const separator = current && !current.endsWith('\n') ? '\n' : '';
      await writeFileAtomic(this.file, `${current}${separator}${line}\n`, 0o600);
    });
    this.writes = write.catch(() => undefined);
    await write;
  }

  /** The key types known_hosts trusts for a host (revoked keys aside), to ask its server for. */
  async knownKeyTypes(host: string, port: number): Promise<string[]> {
    const token = hostToken(host, port);
    const entries = parseKnownHosts(await this.read());
    return knownTypes(entries.filter((entry) => !entry.revoked && entryMatches(entry, token)));
  }

  /** The server offered none of the key types known for it (the handshake found no common one). */
  noKnownKeyType(host: string, port: number, known: readonly string[]): HostKeyChanged {
    const token = hostToken(host, port);
    return new HostKeyChanged(
      `WARNING: the host key of ${token} has changed: known_hosts trusts its ${known.join(', ')} key, ` +
        `and the server offers no key of that type. ${CHANGED_ADVICE}`,
      { host: token, known: [...known] },
    );
  }

  private changed(
    token: string,
    expected: string,
    actual: string,
    types?: { known: string[]; offered: string },
  ): HostKeyChanged {
    const what = types
      ? `known_hosts trusts its ${types.known.join(', ')} key (${expected}), and it now offers a ${types.offered} key (${actual})`
      : `expected ${expected}, got ${actual}`;
    return new HostKeyChanged(`WARNING: the host key of ${token} has changed: ${what}. ${CHANGED_ADVICE}`, {
      host: token,
      expected,
      actual,
    });
  }

  private async read(): Promise<string> {
    try {
      // Decoded as Windows editors may have saved it (UTF-16, BOM, CRLF); remember() writes UTF-8 back.
      return decodeTextFile(await readFile(this.file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw error;
    }
  }
}
