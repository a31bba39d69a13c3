import { connect } from 'node:net';
import type { AnyAuthMethod, AuthenticationType, NextAuthHandler, ParsedKey } from 'ssh2';
import ssh2 from 'ssh2';
import type { GatewayAddress } from '../../../src/ssh/GatewayServer.ts';

/** Runs `work` over `items`, at most `limit` at once. */
export async function runLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** The gateway's grammar, written independently: UID or NODEID-UID, 1 … 2^31-1, no leading zeros. */
export function isGatewayUserName(name: string): boolean {
  const match = /^(?:([1-9][0-9]{0,9})-)?([1-9][0-9]{0,9})$/.exec(name);
  if (!match) return false;
  return [match[1], match[2]].every((part) => part === undefined || Number(part) <= 2 ** 31 - 1);
}

export type AuthMethodName = 'publickey' | 'password' | 'keyboard-interactive';

/** A key parsed once: parsing a PEM key for each of 10,000 connections would dominate the run. */
export function parsedKey(privateKey: Buffer): ParsedKey {
  const parsed = ssh2.utils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) throw new Error(`cannot parse the test key: ${String(key)}`);
  return key;
}

/**
 * One connection trying each name in turn with the given method (the key, a password, or
 * keyboard-interactive). Resolves true if any attempt logged in.
 */
export function tryNames(
  address: GatewayAddress,
  hostKeys: readonly string[],
  batch: readonly { name: string; method: AuthMethodName }[],
  key: ParsedKey,
): Promise<boolean> {
  const blobs = hostKeys.map((line) => line.split(' ')[1]);
  return new Promise((resolve) => {
    const client = new ssh2.Client();
    let at = 0;
    let loggedIn = false;
    client.on('ready', () => {
      loggedIn = true;
      client.end();
    });
    client.on('error', () => undefined);
    client.on('close', () => resolve(loggedIn));
    const authHandler = (_left: AuthenticationType[], _partial: boolean, next: NextAuthHandler) => {
      const attempt = batch[at++];
      if (!attempt) {
        // ssh2 stops trying when handed false; its typings only list methods.
        (next as (method: AnyAuthMethod | false) => void)(false);
        return;
      }
      const base = { username: attempt.name };
      if (attempt.method === 'publickey') next({ ...base, type: 'publickey', key });
      else if (attempt.method === 'password') next({ ...base, type: 'password', password: 'hunter2' });
      else
        next({
          ...base,
          type: 'keyboard-interactive',
          prompt: (_name, _instructions, _lang, _prompts, finish) => finish(['hunter2']),
        });
    };
    // Nagle off, as in sshClient.ts: otherwise each handshake waits on delayed ACKs.
    const sock = connect({ host: address.host, port: address.port, noDelay: true });
    sock.on('error', () => undefined);
    client.connect({
      sock,
      username: batch[0]?.name ?? '',
      authHandler,
      hostVerifier: (hostKey: Buffer) => blobs.includes(hostKey.toString('base64')),
      readyTimeout: 120_000,
    });
  });
}
