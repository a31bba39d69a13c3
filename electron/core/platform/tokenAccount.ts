import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Account } from '../../../shared/src/platform.ts';
import { JsonFile } from '../storage/JsonFile.ts';

interface Remembered {
  apiUrl: string;
  /**
   * Which token this is, without the token: the first 64 bits of a SHA-256 of the API address and
   * the token. Enough to tell one token from another (a collision could only offer the gateway a
   * wrong uid, which it refuses); less kept than a whole hash, and nothing like a key.
   */
  token: string;
  account: Account;
}

const tokenId = (apiUrl: string, token: string): string =>
  createHash('sha256').update(`${apiUrl}\n${token}`).digest('hex').slice(0, 16);

/** The account when `value` is a well-formed entry for this address and token; else undefined. */
function accountIn(value: unknown, apiUrl: string, id: string): Account | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Partial<Remembered>;
  const account = entry.account as Partial<Account> | undefined;
  if (entry.apiUrl !== apiUrl || entry.token !== id || typeof account !== 'object' || account === null)
    return undefined;
  const { uid, email, name } = account;
  if (!Number.isSafeInteger(uid) || (uid ?? 0) <= 0 || typeof email !== 'string' || typeof name !== 'string')
    return undefined;
  return { uid: uid as number, email, name };
}

/**
 * Which account the access token of the process environment (the CLI's ENSCALE_SSH_TOKEN) belongs
 * to, remembered in the profile from the run that first asked the platform (GetUserInfo). A run
 * that only connects to a node (`ssh`, `put`, `get`) needs nothing else from the platform: the
 * account's uid names the gateway user (`NODEID-UID`). Asking cost a round trip to the platform
 * before every connection — a TLS handshake and a call to a platform across the internet, besides
 * 6–10 ms of the CLI's own CPU against the local sandbox (2026-12-06).
 *
 * Skipping the question is safe: the gateway lets a connection in by its key, never by the token,
 * and a token belongs to one account for its life, so a remembered uid is the right one or the
 * gateway refuses. A call that goes to the platform still carries the token, which the platform
 * checks; a refusal forgets the entry. What is kept is no secret: the API address, the account
 * (what platform.json holds after a password sign-in) and 64 bits of a SHA-256 of the token, from
 * which the token (random, 40 characters on Jelastic) cannot be found. An entry that does not parse, or is
 * for another token or platform, is ignored and replaced.
 */
export class TokenAccount {
  private readonly file: JsonFile<unknown>;

  constructor(dataDir: string) {
    this.file = new JsonFile<unknown>(join(dataDir, 'token-account.json'), null);
  }

  async recall(apiUrl: string, token: string): Promise<Account | undefined> {
    return accountIn(await this.file.read(), apiUrl, tokenId(apiUrl, token));
  }

  async remember(apiUrl: string, token: string, account: Account): Promise<void> {
    const entry: Remembered = { apiUrl, token: tokenId(apiUrl, token), account };
    await this.file.write(entry);
  }

  async forget(): Promise<void> {
    await this.file.write(null);
  }
}
