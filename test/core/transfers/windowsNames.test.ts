import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import { GatewaySftp } from '../../../electron/core/ssh/GatewaySftp.ts';
import { TransferEngine } from '../../../electron/core/transfers/TransferEngine.ts';
import { startSandboxAccount, type SandboxAccount } from '../support/sandboxAccount.ts';
import { nodeOwned } from '../support/nodeOwned.ts';

/*
 * These machines cannot mount a case-insensitive disk (casefold ext4, vfat and FUSE exFAT were
 * refused), so the Windows and macOS rules are proven with the platform injected: the engine plans
 * the folder as it would on NTFS or APFS, and every file must then arrive under a name that no
 * other file of the folder folds to.
 */
let account: SandboxAccount;
let connections: GatewayConnections;

beforeAll(async () => {
  account = await startSandboxAccount();
  connections = account.connections();
});
afterAll(async () => {
  connections?.closeAll();
  await account?.stop();
});

const nodeHome = () => join(account.sandbox.dataDir, 'nodes', '518839', 'home');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Every file under `root`, as "/"-separated relative paths, with the SHA-256 of its content. */
function filesUnder(root: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else found.set(relative(root, path).split('/').join('/'), sha256(readFileSync(path)));
    }
  };
  walk(root);
  return found;
}

/** Names that a Linux node holds apart but NTFS or APFS would not, each with its own content. */
const REMOTE = [
  'README',
  'readme',
  'caf\u00e9.txt',
  'cafe\u0301.txt',
  'a:b',
  'CON',
  'trailing.',
  'Docs/index.html',
  'docs',
  'sub/Notes.TXT',
  'sub/notes.txt',
];

for (const platform of ['win32', 'darwin'] as const) {
  describe(`a folder download planned for ${platform} (policy injected)`, () => {
    it('brings every file under a distinct name with its own bytes, and says which were renamed', async () => {
      const folder = `collide-${platform}`;
      const remoteRoot = join(nodeHome(), folder);
      const expected = new Map<string, string>();
      for (const [index, name] of REMOTE.entries()) {
        const path = join(remoteRoot, name);
        mkdirSync(join(path, '..'), { recursive: true });
        const data = Buffer.from(`${index}: ${name}\n`.repeat(1000 + index * 97));
        writeFileSync(path, data);
        expected.set(name, sha256(data));
      }
      // Written here as the test's user: the node's user (apache when isolated) must own them, as its own files.
      await nodeOwned(remoteRoot);
      // Read-only on the node: on Windows it must still arrive writable.
      chmodSync(join(remoteRoot, 'README'), 0o400);
      const engine = new TransferEngine(new GatewaySftp(connections), { platform });
      const into = join(account.dir, `back-${platform}`);
      const job = await engine.download({
        target: account.target('518839-4856'),
        localPath: into,
        remotePath: folder,
      });
      const done = await engine.wait(job.id);
      expect(done).toMatchObject({ state: 'done', files: { total: REMOTE.length, failed: 0 } });

      const arrived = filesUnder(into);
      expect(arrived.size).toBe(REMOTE.length);
      // No two local paths are the same file on a case-insensitive, normalisation-insensitive disk.
      const folded = [...arrived.keys()].map((path) => path.normalize('NFC').toLowerCase());
      expect(new Set(folded).size).toBe(folded.length);
      // Each remote file is at its reported local name with its own bytes: none truncated another.
      const savedAs = new Map(done.renamed?.map((r) => [r.name, r.savedAs]));
      for (const [name, hash] of expected) {
        const local = savedAs.get(name) ?? name;
        expect(arrived.get(local), `${JSON.stringify(name)} → ${JSON.stringify(local)}`).toBe(hash);
      }
      // The folder "Docs" and the file "docs" collide too: the later one in code-point order moves.
      expect(savedAs.get('docs')).toBe('docs (2)');
      expect(savedAs.get('readme')).toBe('readme (2)');
      expect(savedAs.get('sub/notes.txt')).toBe('sub/notes (2).txt');
      expect(savedAs.get('caf\u00e9.txt')).toBe('caf\u00e9 (2).txt');
      if (platform === 'win32') {
        expect(savedAs.get('a:b')).toBe('a%3Ab');
        expect(savedAs.get('CON')).toBe('CON_');
        expect(savedAs.get('trailing.')).toBe('trailing%2E');
      } else {
        expect(savedAs.get('a:b')).toBe('a%3Ab');
        expect(savedAs.has('CON')).toBe(false);
      }
      // Windows files arrive writable, whatever the node's mode, so the next overwrite works.
      const readmeMode = statSync(join(into, 'README')).mode & 0o777;
      expect(readmeMode & 0o200).toBe(platform === 'win32' ? 0o200 : 0);
      for (const renamed of done.renamed ?? []) expect(renamed.reason).not.toBe('');
    });
  });
}
