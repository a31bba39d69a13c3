import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilesService } from '../../electron/core/sftp/FilesService.ts';
import { GatewaySftp } from '../../electron/core/ssh/GatewaySftp.ts';
import type { GatewayConnections } from '../../electron/core/ssh/GatewayConnections.ts';
import { TransferEngine } from '../../electron/core/transfers/TransferEngine.ts';
import type { ConnectionTarget } from '../../shared/src/connections.ts';
import { startSandboxAccount, type SandboxAccount } from '../core/support/sandboxAccount.ts';

/**
 * Remote file names that break careless code — quotes, spaces, newlines, `$(…)`, backticks, option-like
 * dashes, globs, escape characters, unicode in both normal forms, and names of exactly 255 bytes —
 * uploaded, listed, renamed, edited and downloaded through the core's files and transfer services, over
 * the gateway to a real node. Every byte must survive each way, every name must be listed exactly as
 * it is, and nothing in a name may ever run: the shell-like names would leave marker files if it did.
 */
const NODE = 518839;
const MARK = `pwned-${randomBytes(4).toString('hex')}`;

/** The names, each also a local file name (Linux allows every byte but '/' and NUL). */
const NAMES: readonly string[] = [
  `it's "quoted".txt`,
  `double "" and single '' quotes`,
  'with  two  spaces .txt',
  ' leading space',
  'trailing space ',
  'new\nline.txt',
  'carriage\rreturn',
  'tab\there',
  `$(touch ${MARK}-dollar).txt`,
  `\`touch ${MARK}-backtick\`.txt`,
  `;touch ${MARK}-semicolon;`,
  `| touch ${MARK}-pipe &`,
  `$HOME and \${PATH} and $((6*7))`,
  '-rf',
  '--help',
  '*',
  '?.txt',
  '[abc]',
  '~',
  'back\\slash\\',
  '%s%n%x',
  '\x1b[31mred\x1b[0m',
  'ünïcødé 漢字 🔑.txt',
  'caf\u00e9 (NFC)',
  'cafe\u0301 (NFD)',
  '\u202eevil\u202d.txt',
  'a'.repeat(251) + '.txt',
  '漢'.repeat(85),
  '🔑'.repeat(63) + 'abc',
];

describe('remote file names that break careless code', () => {
  let account: SandboxAccount;
  let connections: GatewayConnections;
  let files: FilesService;
  let transfers: TransferEngine;
  let target: ConnectionTarget;
  let home: string;
  let localUp: string;
  let localDown: string;

  beforeAll(async () => {
    account = await startSandboxAccount();
    connections = account.connections();
    const sftp = new GatewaySftp(connections);
    files = new FilesService(sftp);
    // Names must cross the wire byte for byte, NFD included: the Settings default that sends
    // names in NFC (for Finder's NFD, tested in test/core/transfers/uploadModes.test.ts) is off here.
    transfers = new TransferEngine(sftp, { uploadRules: { normalizeNames: false, skip: [] } });
    target = account.target(`${NODE}-4856`);
    home = await files.home(target);
    localUp = join(account.dir, 'up');
    localDown = join(account.dir, 'down');
    mkdirSync(localUp);
    mkdirSync(localDown);
  }, 180_000);
  afterAll(async () => {
    connections?.closeAll();
    await account?.stop();
  }, 180_000);

  const nodeHome = () => join(account.sandbox.dataDir, 'nodes', String(NODE), 'home');
  /** Marker files anywhere a shell run by the node, or by this machine, would have put them. */
  const markers = () =>
    [nodeHome(), account.dir, process.cwd(), '/tmp'].flatMap((dir) =>
      readdirSync(dir).filter((name) => name.startsWith(MARK)),
    );
  const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
  const contentFor = (name: string) => Buffer.from(`${name}\n${randomBytes(4096).toString('base64')}\n`);

  it('checks the names are what they claim (255 bytes where meant)', () => {
    expect(Buffer.byteLength(NAMES.at(-3) ?? '')).toBe(255);
    expect(Buffer.byteLength(NAMES.at(-2) ?? '')).toBe(255);
    expect(Buffer.byteLength(NAMES.at(-1) ?? '')).toBe(255);
    expect(new Set(NAMES).size).toBe(NAMES.length);
  });

  it('uploads each name, lists it exactly, and the node has the same bytes under the same name', async () => {
    await files.mkdir(target, `${home}/names`);
    const expected = new Map<string, string>();
    for (const name of NAMES) {
      const content = contentFor(name);
      writeFileSync(join(localUp, name), content);
      expected.set(name, sha(content));
      const job = await transfers.upload({
        target,
        localPath: join(localUp, name),
        remotePath: `${home}/names/${name}`,
        conflict: 'overwrite',
      });
      expect(await transfers.wait(job.id), JSON.stringify(name)).toMatchObject({ state: 'done' });
    }
    const listed = await files.list(target, `${home}/names`);
    expect(listed.map((entry) => entry.name).sort()).toEqual([...NAMES].sort());
    for (const entry of listed) {
      expect(entry.path).toBe(`${home}/names/${entry.name}`);
      expect(entry.type).toBe('file');
    }
    // On the node's disk, byte for byte (NFC and NFD are two files, as they should be).
    expect(readdirSync(join(nodeHome(), 'names')).sort()).toEqual([...NAMES].sort());
    for (const name of NAMES) {
      expect(sha(readFileSync(join(nodeHome(), 'names', name))), JSON.stringify(name)).toBe(
        expected.get(name),
      );
    }
    expect(markers()).toEqual([]);
  });

  it('renames, stats, edits and downloads each name intact', async () => {
    for (const name of NAMES) {
      const renamed = Buffer.byteLength(name) > 240 ? `r-${name.slice(0, 60)}` : `${name} (renamed)`;
      const from = `${home}/names/${name}`;
      const to = `${home}/names/${renamed}`;
      await files.rename(target, from, to);
      const stat = await files.stat(target, to);
      expect(stat.name, JSON.stringify(name)).toBe(renamed);
      await expect(files.stat(target, from)).rejects.toMatchObject({ details: { reason: 'notFound' } });

      // Edited in place (temp file beside it, then rename): the long names need the hashed temp name.
      const text = `edited ${name}\n`;
      await files.writeText(target, to, text);
      expect(await files.readText(target, to)).toBe(text);

      const local = join(localDown, renamed);
      const job = await transfers.download({
        target,
        localPath: local,
        remotePath: to,
        conflict: 'overwrite',
      });
      expect(await transfers.wait(job.id), JSON.stringify(name)).toMatchObject({ state: 'done' });
      expect(readFileSync(local, 'utf8')).toBe(text);
    }
    expect(readdirSync(localDown).sort()).toEqual(
      NAMES.map((name) =>
        Buffer.byteLength(name) > 240 ? `r-${name.slice(0, 60)}` : `${name} (renamed)`,
      ).sort(),
    );
    // No partial or temporary file left behind, here or there.
    expect(readdirSync(localDown).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(readdirSync(join(nodeHome(), 'names')).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(markers()).toEqual([]);
  });

  it('uploads and downloads a folder of all the names, and removes it', async () => {
    const folder = join(account.dir, `folder $(touch ${MARK}-folder) \`x\``);
    mkdirSync(join(folder, 'sub "dir"'), { recursive: true });
    for (const name of NAMES) writeFileSync(join(folder, 'sub "dir"', name), contentFor(name));
    const remote = `${home}/folder ${NAMES[0]}`;
    const up = await transfers.upload({
      target,
      localPath: folder,
      remotePath: remote,
      conflict: 'overwrite',
    });
    expect(await transfers.wait(up.id)).toMatchObject({
      state: 'done',
      files: { total: NAMES.length, failed: 0 },
    });
    const back = join(account.dir, 'folder back');
    const down = await transfers.download({
      target,
      localPath: back,
      remotePath: remote,
      conflict: 'overwrite',
    });
    // Control characters are legal on the node but are never written raw into a local name: they
    // come down %XX-encoded, and the job says which (issues 14 and 15). A backslash is legal here.
    const encoded: Record<string, string> = {
      'new\nline.txt': 'new%0Aline.txt',
      'carriage\rreturn': 'carriage%0Dreturn',
      'tab\there': 'tab%09here',
      '\x1b[31mred\x1b[0m': '%1B[31mred%1B[0m',
    };
    const finished = await transfers.wait(down.id);
    expect(finished).toMatchObject({ state: 'done', files: { total: NAMES.length, failed: 0 } });
    expect(finished.skipped).toBeUndefined();
    expect(
      Object.fromEntries(
        finished.renamed?.map((r) => [r.name.split('/').at(-1), r.savedAs.split('/').at(-1)]) ?? [],
      ),
    ).toEqual(encoded);
    for (const name of NAMES) {
      expect(
        readFileSync(join(back, 'sub "dir"', encoded[name] ?? name)).equals(
          readFileSync(join(folder, 'sub "dir"', name)),
        ),
        JSON.stringify(name),
      ).toBe(true);
    }
    await files.remove(target, remote, { recursive: true });
    expect(existsSync(join(nodeHome(), `folder ${NAMES[0]}`))).toBe(false);
    expect(markers()).toEqual([]);
  });

  it('never sent a file name through a shell: the gateway saw only SFTP channels', async () => {
    // Channels are audited when they end: end the connection and its SFTP channel first.
    connections.closeAll();
    const channelEvents = () =>
      readFileSync(join(account.sandbox.dataDir, 'gateway', 'audit.log'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { event: string; channel?: string; command?: string })
        .filter((e) => e.event === 'channel');
    for (let i = 0; i < 400 && channelEvents().length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    const channels = channelEvents();
    expect(channels.length).toBeGreaterThan(0);
    expect(channels.filter((e) => e.channel !== 'sftp')).toEqual([]);
    expect(markers()).toEqual([]);
  });
});
