import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import { HostKeyChanged } from '../../../shared/src/errors.ts';
import type { HostKeyQuestion } from '../../../shared/src/hostKeys.ts';
import { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import { HostKeys } from '../../../electron/core/ssh/HostKeys.ts';

/*
 * A man in the middle on a gateway the user trusted by its RSA key answers with an Ed25519 key of
 * its own. Before the fix the app asked "new host?" as if the gateway had never been seen; OpenSSH
 * (≥ 8.5) instead asks the server for the key types it already knows. Real ssh2 servers here.
 */
let dir: string;
/*
 * Keys made by ssh-keygen, as a server's are: ssh2's own generateKeyPairSync now and then writes an
 * OpenSSH private key its own parser refuses ("Malformed OpenSSH private key", seen once in CI).
 */
const keyDir = mkdtempSync(join(tmpdir(), 'hostkey-type-keys-'));
function keyPair(type: 'rsa' | 'ed25519' | 'ecdsa', bits?: number): { private: string; public: string } {
  const file = join(keyDir, type);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-f', file]);
  return { private: readFileSync(file, 'utf8'), public: readFileSync(`${file}.pub`, 'utf8').trim() };
}
const rsa = keyPair('rsa', 2048);
const ed25519 = keyPair('ed25519');
const ecdsa = keyPair('ecdsa', 256);
const servers: ssh2.Server[] = [];

/** `type base64` of an OpenSSH public key line, as known_hosts holds it. */
const entryOf = (publicKey: string): string => publicKey.split(' ').slice(0, 2).join(' ');

async function startServer(hostKeys: string[]): Promise<number> {
  const server = new ssh2.Server({ hostKeys }, (connection) => {
    connection.on('error', () => undefined);
    connection.on('authentication', (context) => context.accept());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Connects once; every host-key question is recorded and answered "reject". */
async function connect(port: number, known: string, interactive = true) {
  const file = join(mkdtempSync(join(dir, 'case-')), 'known_hosts');
  writeFileSync(file, `[127.0.0.1]:${port} ${known}\n`);
  const hostKeys = new HostKeys(file);
  const questions: HostKeyQuestion[] = [];
  hostKeys.events.on('question', (question) => {
    questions.push(question);
    void hostKeys.answer(question.id, 'reject');
  });
  const connections = new GatewayConnections({
    hostKeys,
    identity: async () => [{ name: 'test key', privateKey: ed25519.private }],
    interactive,
    backoffMs: 60_000,
  });
  const target: ConnectionTarget = { gateway: { host: '127.0.0.1', port }, username: '518839-4856' };
  try {
    await connections.client(target);
    return { connected: true, error: undefined, questions, hostKeys };
  } catch (error) {
    return { connected: false, error, questions, hostKeys };
  } finally {
    connections.closeAll();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostkey-type-'));
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  rmSync(dir, { recursive: true, force: true });
  rmSync(keyDir, { recursive: true, force: true });
});

describe('a known host that answers with a key of another type', () => {
  it('is reported as a changed key, never asked about as a new host', async () => {
    const port = await startServer([ed25519.private]);
    const result = await connect(port, entryOf(rsa.public));
    expect(result.questions).toEqual([]);
    expect(result.connected).toBe(false);
    expect(result.error).toBeInstanceOf(HostKeyChanged);
    expect((result.error as Error).message).toMatch(/ssh-rsa/);
  });

  it('is reported as changed to a script too, not as an unknown key to pin', async () => {
    const port = await startServer([ed25519.private]);
    const result = await connect(port, entryOf(rsa.public), false);
    expect(result.error).toBeInstanceOf(HostKeyChanged);
  });

  it('is asked only for the known key type, so a server that has it connects without a question', async () => {
    // ssh2 prefers Ed25519, then ECDSA; the server holds all three and RSA is the one known.
    const port = await startServer([ed25519.private, ecdsa.private, rsa.private]);
    const result = await connect(port, entryOf(rsa.public));
    expect(result.error).toBeUndefined();
    expect(result.questions).toEqual([]);
    const ecdsaKnown = await connect(port, entryOf(ecdsa.public), false);
    expect(ecdsaKnown.error).toBeUndefined();
  });

  it('is refused by the trust store itself when a key of a new type is checked', async () => {
    const file = join(mkdtempSync(join(dir, 'store-')), 'known_hosts');
    writeFileSync(file, `gate.example ${entryOf(rsa.public)}\n`);
    const keys = new HostKeys(file);
    keys.events.on('question', (question) => void keys.answer(question.id, 'reject'));
    const blob = Buffer.from(ed25519.public.split(' ')[1]!, 'base64');
    const error = await keys
      .verify({ host: 'gate.example', port: 22, key: blob, interactive: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyChanged);
    expect(await keys.knownKeyTypes('gate.example', 22)).toEqual(['ssh-rsa']);
    expect(await keys.knownKeyTypes('other.example', 22)).toEqual([]);
  });
});
