import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostKeys } from '../../../electron/core/ssh/HostKeys.ts';
import { InvalidInput } from '../../../shared/src/errors.ts';

/*
 * The last line of defence when a host name that was never checked (a profile written by an older
 * version) reaches known_hosts: a space, comma, `*` or newline in it would trust an attacker's key
 * for other hosts, or for every host.
 */
let dir: string;
let file: string;
const key = Buffer.from(ssh2.utils.generateKeyPairSync('ed25519').public.split(' ')[1]!, 'base64');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'known-hosts-injection-'));
  file = join(dir, 'known_hosts');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('known_hosts', () => {
  it.each([
    'gate.example\n* ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl',
    'gate.example,*',
    'gate.example *',
    '*',
    'gate?.example',
    '!gate.example',
    '|1|c2FsdA==|aGFzaA==',
    '@revoked',
    'gate.example\r',
    '',
  ])('refuses to write %j as a host pattern', async (host) => {
    const keys = new HostKeys(file);
    await expect(keys.remember(host, 3022, key)).rejects.toThrow(InvalidInput);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses to remember a key that a question about such a host was answered with', async () => {
    writeFileSync(file, '# mine\n');
    const keys = new HostKeys(file);
    keys.events.on('question', (question) => void keys.answer(question.id, 'remember'));
    await expect(
      keys.verify({ host: 'gate.example,*', port: 3022, key, interactive: true }),
    ).rejects.toBeInstanceOf(InvalidInput);
    expect(readFileSync(file, 'utf8')).toBe('# mine\n');
  });

  it('writes ordinary names and IPv6 addresses as OpenSSH does', async () => {
    const keys = new HostKeys(file);
    await keys.remember('Gate.Example', 22, key);
    await keys.remember('2001:db8::1', 3022, key);
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines[0]).toMatch(/^gate\.example ssh-ed25519 /);
    expect(lines[1]).toMatch(/^\[2001:db8::1\]:3022 ssh-ed25519 /);
  });
});
