import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostKeys, md5Fingerprint, sha256Fingerprint } from '../../../electron/core/ssh/HostKeys.ts';
import { HostKeyChanged, HostKeyRejected, HostKeyUnknown } from '../../../shared/src/errors.ts';
import type { HostKeyQuestion } from '../../../shared/src/hostKeys.ts';

let dir: string;
let file: string;

/** A real host key made by ssh-keygen: its blob and its fingerprint as ssh-keygen prints it. */
function hostKey(name: string, type = 'ed25519'): { blob: Buffer; sha256: string; line: string } {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', path]);
  const line = readFileSync(`${path}.pub`, 'utf8').trim();
  const sha256 = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${path}.pub`], {
    encoding: 'utf8',
  }).split(' ')[1]!;
  return { blob: Buffer.from(line.split(' ')[1]!, 'base64'), sha256, line };
}

/** Answers the next question with `decision`, and returns it for inspection. */
function answerNext(keys: HostKeys, decision: 'once' | 'remember' | 'reject'): Promise<HostKeyQuestion> {
  return new Promise((resolve) => {
    const stop = keys.events.on('question', (question) => {
      stop();
      void keys.answer(question.id, decision);
      resolve(question);
    });
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostkeys-'));
  file = join(dir, 'known_hosts');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('HostKeys', () => {
  it('fingerprints keys exactly as ssh-keygen does', () => {
    const key = hostKey('k', 'rsa');
    expect(sha256Fingerprint(key.blob)).toBe(key.sha256);
    const md5 = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', join(dir, 'k.pub')], {
      encoding: 'utf8',
    });
    expect(`MD5:${md5Fingerprint(key.blob)}`).toBe(md5.split(' ')[1]);
  });

  it('asks about a new key and remembers it where ssh-keygen -F finds it', async () => {
    const keys = new HostKeys(file);
    const key = hostKey('gw');
    const asked = answerNext(keys, 'remember');
    await keys.verify({ host: 'Gate.Example', port: 3022, key: key.blob, interactive: true });
    expect(await asked).toMatchObject({ host: 'Gate.Example', port: 3022, sha256: key.sha256, knownAs: [] });
    const found = execFileSync('ssh-keygen', ['-F', '[gate.example]:3022', '-f', file], { encoding: 'utf8' });
    expect(found).toContain(key.line.split(' ')[1]);
    // Known now: no second question.
    keys.events.on('question', () => {
      throw new Error('asked twice');
    });
    await keys.verify({ host: 'gate.example', port: 3022, key: key.blob, interactive: true });
  });

  it('trusts a key once without writing it, and refuses a rejected one', async () => {
    const keys = new HostKeys(file);
    const key = hostKey('once');
    const once = answerNext(keys, 'once');
    await keys.verify({ host: 'h', port: 22, key: key.blob, interactive: true });
    await once;
    const rejected = answerNext(keys, 'reject');
    await expect(
      keys.verify({ host: 'h', port: 22, key: key.blob, interactive: true }),
    ).rejects.toBeInstanceOf(HostKeyRejected);
    await rejected;
    expect(() => readFileSync(file)).toThrow();
  });

  it('refuses a changed key with both fingerprints', async () => {
    const old = hostKey('old');
    const now = hostKey('new');
    writeFileSync(file, `# mine\n[gate.example]:3022 ${old.line.split(' ').slice(0, 2).join(' ')}\n`);
    const keys = new HostKeys(file);
    const error = await keys
      .verify({ host: 'gate.example', port: 3022, key: now.blob, interactive: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyChanged);
    expect(error).toMatchObject({ details: { expected: old.sha256, actual: now.sha256 } });
    expect((error as Error).message).toContain(old.sha256);
    expect((error as Error).message).toContain(now.sha256);
  });

  it('trusts a preset’s pinned key without asking, and refuses any other', async () => {
    const keys = new HostKeys(file);
    const key = hostKey('pinned', 'rsa');
    keys.events.on('question', () => {
      throw new Error('a pinned key must not be asked about');
    });
    await keys.verify({
      host: 'gw',
      port: 3022,
      key: key.blob,
      interactive: true,
      pinned: { keyType: 'ssh-rsa', md5: md5Fingerprint(key.blob) },
    });
    const other = hostKey('impostor', 'rsa');
    await expect(
      keys.verify({
        host: 'gw',
        port: 3022,
        key: other.blob,
        interactive: true,
        pinned: { keyType: 'ssh-rsa', md5: md5Fingerprint(key.blob) },
      }),
    ).rejects.toBeInstanceOf(HostKeyChanged);
  });

  it('says when the same key is already known under another name', async () => {
    const key = hostKey('moved');
    writeFileSync(
      file,
      `[ssh.enscale.com]:3022,[gate.j.layershift.co.uk]:3022 ${key.line.split(' ').slice(0, 2).join(' ')}\n`,
    );
    const keys = new HostKeys(file);
    const asked = answerNext(keys, 'remember');
    await keys.verify({ host: 'sshgateway.io', port: 3022, key: key.blob, interactive: true });
    expect((await asked).knownAs).toEqual(['[ssh.enscale.com]:3022', '[gate.j.layershift.co.uk]:3022']);
  });

  it('finds hashed entries written by ssh-keygen -H', async () => {
    const key = hostKey('hashed');
    writeFileSync(file, `[gate.example]:2222 ${key.line.split(' ').slice(0, 2).join(' ')}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|/);
    await new HostKeys(file).verify({ host: 'gate.example', port: 2222, key: key.blob, interactive: false });
  });

  it('fails with the fingerprint and the option to pin it when no one can be asked', async () => {
    const key = hostKey('script');
    const error = await new HostKeys(file)
      .verify({ host: 'gw', port: 3022, key: key.blob, interactive: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyUnknown);
    expect((error as Error).message).toContain(`--fingerprint ${key.sha256}`);
  });

  it('refuses a key marked @revoked', async () => {
    const key = hostKey('revoked');
    writeFileSync(file, `@revoked * ${key.line.split(' ').slice(0, 2).join(' ')}\n`);
    await expect(
      new HostKeys(file).verify({ host: 'any', port: 22, key: key.blob, interactive: true }),
    ).rejects.toBeInstanceOf(HostKeyRejected);
  });
});
