import { copyFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKeyFile } from '../../../electron/core/keys/keyImport.ts';
import { fingerprints, publicBlob } from '../../../electron/core/keys/sshKey.ts';
import { decodeTextFile } from '../../../electron/core/keys/textFile.ts';
import { HostKeys } from '../../../electron/core/ssh/HostKeys.ts';
import { parseKnownHosts } from '../../../electron/core/ssh/knownHostsFile.ts';
import { scratch, type Scratch } from './keyTools.ts';

// Made by fixtures/windows/make-windows-fixtures.sh with puttygen 0.78 and ssh-keygen, then saved as
// Windows tools save them (CRLF, UTF-8 BOM, UTF-16LE/BE with BOM).
const FIXTURES = fileURLToPath(new URL('./fixtures/windows/', import.meta.url));

/** "<stem> SHA256:…" lines, and "known_hosts <host> SHA256:…", as ssh-keygen/puttygen printed them. */
async function expected(): Promise<{ keys: Map<string, string>; hosts: Map<string, string> }> {
  const keys = new Map<string, string>();
  const hosts = new Map<string, string>();
  for (const line of (await readFile(join(FIXTURES, 'fingerprints.txt'), 'utf8')).trim().split('\n')) {
    const [first = '', second = '', third = ''] = line.split(' ');
    if (first === 'known_hosts') hosts.set(second, third);
    else keys.set(first, second);
  }
  return { keys, hosts };
}

const keyFiles = (await readdir(FIXTURES)).filter((name) => /\.(ppk|key|pem)$/.test(name));

describe('key files as Windows saves them', () => {
  it('has a fixture of each kind', () => {
    for (const kind of [
      '.crlf.ppk',
      '.bom-crlf.ppk',
      '.utf16le.ppk',
      '.utf16le.key',
      '.utf16be.key',
      '.crlf.pem',
    ])
      expect(keyFiles.some((name) => name.endsWith(kind))).toBe(true);
    expect(keyFiles.some((name) => name.includes('-v2.'))).toBe(true);
  });

  it.each(keyFiles)('%s imports with the fingerprint the tools printed for the original', async (name) => {
    const stem = name.slice(0, name.indexOf('.'));
    const want = (await expected()).keys.get(stem);
    expect(want).toMatch(/^SHA256:/);
    const bytes = await readFile(join(FIXTURES, name));
    const passphrase = stem.includes('-pass') ? 'fixture' : undefined;
    const { pair } = await readKeyFile({ bytes, ...(passphrase ? { passphrase } : {}) });
    expect(fingerprints(publicBlob(pair)).sha256).toBe(want);
    // A paste (text already decoded by the page) keeps its BOM and CRLF: the same key comes out.
    const pasted = await readKeyFile({ text: decodeTextFile(bytes).replace(/\n/g, '\r\n'), passphrase });
    expect(fingerprints(publicBlob(pasted.pair)).sha256).toBe(want);
  });

  it('keeps the PPK comment without a stray carriage return', async () => {
    const bytes = await readFile(join(FIXTURES, 'ppk-ed25519-v3.utf16le.ppk'));
    expect((await readKeyFile({ bytes })).comment).toBe('ppk ed25519 v3');
  });
});

describe('decodeTextFile', () => {
  it.each([
    ['UTF-8', Buffer.from('a\r\nb\rc\n')],
    ['UTF-8 with a BOM', Buffer.from('\uFEFFa\r\nb\rc\n')],
    [
      'UTF-16LE with a BOM',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\r\nb\rc\n', 'utf16le')]),
    ],
    ['UTF-16LE without a BOM', Buffer.from('a\r\nb\rc\n', 'utf16le')],
    ['UTF-16BE with a BOM', Buffer.from([0xfe, 0xff, 0, 97, 0, 13, 0, 10, 0, 98, 0, 13, 0, 99, 0, 10])],
  ])('%s', (_kind, bytes) => {
    expect(decodeTextFile(bytes)).toBe('a\nb\nc\n');
  });
});

describe('known_hosts as Windows saves it', () => {
  let work: Scratch;
  beforeAll(async () => {
    work = await scratch('known-hosts-windows');
  });
  afterAll(() => work.remove());

  it.each(['known_hosts.bom-crlf', 'known_hosts.utf16le'])('%s: every host key is found', async (name) => {
    const { hosts } = await expected();
    const bytes = await readFile(join(FIXTURES, name));
    const entries = parseKnownHosts(bytes);
    const found = new Map(
      entries.map((entry) => [
        entry.patterns.join(','),
        fingerprints(Buffer.from(entry.key, 'base64')).sha256,
      ]),
    );
    expect(found).toEqual(hosts);

    // And the host-key check reads the file itself: both hosts are known, no question asked.
    const file = join(work.dir, name);
    await copyFile(join(FIXTURES, name), file);
    const hostKeys = new HostKeys(file);
    for (const entry of entries) {
      const [token = ''] = entry.patterns;
      const match = /^\[(.+)\]:(\d+)$/.exec(token);
      await hostKeys.verify({
        host: match?.[1] ?? token,
        port: match ? Number(match[2]) : 22,
        key: Buffer.from(entry.key, 'base64'),
        interactive: false,
      });
    }
  });
});
