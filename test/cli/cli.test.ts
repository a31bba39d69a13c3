import { Sandbox } from '@enscale-ssh/gateway';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../electron/core/platform/PlatformClient.ts';
import type { Environment } from '../../shared/src/platform.ts';
import type { KeyInfo } from '../../shared/src/keys.ts';
import type { TransferJob } from '../../shared/src/transfers.ts';
import { cliCommand, json, runCli, runInPty } from './runCli.ts';
import { nodeOwned } from '../core/support/nodeOwned.ts';

/**
 * The enscale-ssh command as a script uses it: real processes, each with its own core reached through
 * the RPC, against a sandbox with its gateway and a real (test) keychain.
 */
let sandbox: Sandbox;
let dir: string;
let profile: string;
let key: KeyInfo;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const gatewayOption = () => `${sandbox.ready.gateway!.host}:${sandbox.ready.gateway!.port}`;
const nodeHome = (id: number) => join(sandbox.dataDir, 'nodes', String(id), 'home');
const cli = (args: string[], input?: string | Buffer) => runCli(profile, args, input);

beforeAll(async () => {
  sandbox = await Sandbox.start({ apiPort: 0, gatewayPort: 0 });
  dir = mkdtempSync(join(tmpdir(), 'cli-'));
  profile = join(dir, 'profile');
});
afterAll(async () => {
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('enscale-ssh', () => {
  it('refuses an unknown command or option with the usage and status 2', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^enscale-ssh: Unknown command 'frobnicate'\.\n/);
    expect(unknown.stderr).toContain('Usage: enscale-ssh');
    const option = await cli(['keys', 'list', '--colour']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('--colour');
    expect((await cli(['ssh', 'web1', '--', 'true'])).code).toBe(2);
  });

  it('pins the gateway and signs in with the password on stdin', async () => {
    const use = await cli([
      '--json',
      'platform',
      'use',
      sandbox.ready.api,
      '--gateway',
      gatewayOption(),
      '--fingerprint',
      sandbox.ready.gateway!.hostKey.sha256,
    ]);
    expect(use.code).toBe(0);
    expect(json(use)).toMatchObject({
      kind: 'custom',
      gatewayKey: { sha256: sandbox.ready.gateway!.hostKey.sha256 },
    });

    const wrong = await cli(['login', 'demo@sandbox.local'], 'not-the-password\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^enscale-ssh: [^\n]+\n$/);
    expect(wrong.stderr).not.toMatch(/\bat .+:\d+:\d+/);

    const login = await cli(['--json', 'login', 'demo@sandbox.local'], 'demo\n');
    expect(login.code).toBe(0);
    expect(json(login)).toMatchObject({ uid: 4856 });
  });

  it('generates a key, prints its public half, and refuses to print the private one', async () => {
    const generated = await cli(['--json', 'keys', 'generate', '--name', 'cli test', '--bits', '2048']);
    expect(generated.code).toBe(0);
    key = json<KeyInfo>(generated);
    expect(key).toMatchObject({ name: 'cli test', type: 'ssh-rsa', bits: 2048 });
    expect(key.fingerprints.sha256).toMatch(/^SHA256:/);

    const exported = await cli(['keys', 'export', key.id, '--public']);
    expect(exported.code).toBe(0);
    const publicFile = join(dir, 'key.pub');
    writeFileSync(publicFile, exported.stdout);
    expect(execFileSync('ssh-keygen', ['-l', '-f', publicFile], { encoding: 'utf8' })).toContain(
      key.fingerprints.sha256,
    );

    const refused = await cli(['keys', 'export', key.id, '--format', 'openssh']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--out FILE/);
    expect(refused.stdout).not.toMatch(/PRIVATE/);

    const privateFile = join(dir, 'id_rsa');
    expect((await cli(['keys', 'export', key.id, '--format', 'openssh', '--out', privateFile])).code).toBe(0);
    expect(execFileSync('ssh-keygen', ['-y', '-f', privateFile], { encoding: 'utf8' }).split(' ')[1]).toBe(
      exported.stdout.split(' ')[1],
    );
  });

  it('puts the key on the dashboard', async () => {
    const synced = await cli(['--json', 'keys', 'sync', key.id]);
    expect(synced.code).toBe(0);
    expect(json(synced)).toMatchObject({ added: true });
    const platform = new PlatformClient({ baseUrl: sandbox.ready.api });
    const { session } = await platform.signIn('demo@sandbox.local', 'demo');
    const blobs = (await platform.listKeys(session)).map((k) => k.publicKey.split(' ')[1]);
    expect(blobs).toContain(key.publicKey.split(' ')[1]);
  });

  it('lists the environments and their node IDs', async () => {
    const envs = await cli(['--json', 'envs']);
    expect(envs.code).toBe(0);
    const list = json<Environment[]>(envs);
    expect(list.map((env) => env.envName)).toEqual(['analytics', 'shop', 'staging']);
    const ids = list.flatMap((env) => env.nodes.map((node) => node.id));
    expect(ids).toEqual(expect.arrayContaining([518839, 518840]));
    const text = await cli(['envs']);
    expect(text.stdout).toMatch(/518839/);
  });

  it('runs a command with stdout, stderr and the exit status kept apart', async () => {
    const run = await cli(['ssh', '518839', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(run.stdout).toBe('out\n');
    expect(run.stderr).toBe('err\n');
    expect(run.code).toBe(3);
    // The fingerprint was pinned without its type: the type that matched is kept, so later runs ask
    // the gateway for that key at once instead of trying Ed25519 first in a handshake of its own.
    const saved = JSON.parse(readFileSync(join(profile, 'platform.json'), 'utf8')) as {
      profile: { gatewayKey: { keyType?: string; sha256: string } };
    };
    expect(saved.profile.gatewayKey).toEqual({
      keyType: 'ssh-rsa',
      sha256: sandbox.ready.gateway!.hostKey.sha256,
    });
  });

  it('passes stdin through byte for byte, and output back', async () => {
    const data = randomBytes(3 * 1024 * 1024);
    const run = await cli(['ssh', '518839', '--', 'cat'], data);
    expect(run.code).toBe(0);
    expect(sha256(run.raw)).toBe(sha256(data));
  });

  it('opens a shell on a terminal and passes its exit status through', async () => {
    // `script` gives the command a pty, as a person's terminal would.
    const shell = await runInPty(`${cliCommand(profile)} ssh 518839`, 'echo $((6*7)); exit 5\n');
    expect(shell.stdout).toMatch(/\b42\b/);
    expect(shell.code).toBe(5);
  });

  it('opens the gateway menu on a terminal', async () => {
    const menu = await runInPty(`${cliCommand(profile)} menu`, '0\n');
    expect(menu.stdout).toMatch(/shop/);
    expect(menu.code).toBe(0);
  });

  it('refuses a pinned fingerprint that none of the gateway’s keys has', async () => {
    const other = mkdtempSync(join(dir, 'wrong-pin-'));
    const use = ['--profile', other, 'platform', 'use', sandbox.ready.api, '--gateway', gatewayOption()];
    const wrong = 'SHA256:' + 'A'.repeat(43);
    expect((await cli([...use, '--fingerprint', wrong])).code).toBe(0);
    expect((await cli(['--profile', other, 'login', 'demo@sandbox.local'], 'demo\n')).code).toBe(0);
    expect((await cli(['--profile', other, 'keys', 'generate', '--bits', '2048'])).code).toBe(0);
    const run = await cli(['--profile', other, 'ssh', '518839', '--', 'true']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/None of the host keys of 127\.0\.0\.1:\d+ is the pinned SHA256:A{43}/);
  });

  it('uploads and downloads a file with equal SHA-256', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 123);
    const local = join(dir, 'blob.bin');
    writeFileSync(local, data);
    const put = await cli(['--json', 'put', '518839', local, 'cli-blob.bin']);
    expect(put.stderr).toBe('');
    expect(put.code).toBe(0);
    expect(json<TransferJob>(put)).toMatchObject({ state: 'done', bytes: data.length });
    expect(sha256(readFileSync(join(nodeHome(518839), 'cli-blob.bin')))).toBe(sha256(data));

    const back = join(dir, 'back.bin');
    const get = await cli(['get', '518839', 'cli-blob.bin', back]);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/^Downloaded/);
    expect(sha256(readFileSync(back))).toBe(sha256(data));
  });

  it('saves names a node lists that no local file may have under legal ones, and says which, escaped', async () => {
    // Legal on the node (Linux); here control characters are never written raw into a name.
    const folder = join(nodeHome(518839), 'hostile-names');
    mkdirSync(folder);
    const odd = ['..\\..\\x.bat', 'esc\u001b]0;owned\u0007', 'tab\there'];
    for (const name of [...odd, 'fine.txt']) writeFileSync(join(folder, name), 'x');
    const back = join(dir, 'hostile-back');
    const get = await cli(['get', '518839', 'hostile-names', back]);
    expect(get.code, get.stderr + get.stdout).toBe(0);
    // A backslash is an ordinary character on Linux: the file stays inside the folder it was put in.
    expect(readdirSync(back).sort()).toEqual([
      '..\\..\\x.bat',
      'esc%1B]0;owned%07',
      'fine.txt',
      'tab%09here',
    ]);
    expect(readdirSync(dir).filter((name) => name.includes('x.bat'))).toEqual([]);
    expect(get.stdout).toContain('Saved 2 name(s) under another name on this computer:');
    expect(get.stdout).toContain('"tab\\there" saved as "tab%09here": contains a control character');
    for (const raw of ['\u001b', '\u0007', '\t']) expect(get.stdout.includes(raw)).toBe(false);
    const json = await cli(['--json', 'get', '518839', 'hostile-names', join(dir, 'hostile-json')]);
    const job = JSON.parse(json.stdout) as TransferJob;
    expect(job.renamed?.map((r) => r.name).sort()).toEqual([odd[1], odd[2]].sort());
  });

  it('resumes a partial upload and a partial download where they stopped', async () => {
    const data = randomBytes(4 * 1024 * 1024);
    const local = join(dir, 'resume.bin');
    writeFileSync(local, data);
    // What a stopped run leaves behind: the first bytes under the partial name, stamped with the source's time.
    const stamp = Math.floor(Date.now() / 1000) - 3600;
    utimesSync(local, stamp, stamp);
    const remotePart = join(nodeHome(518839), '.cli-resume.bin.enscale-part');
    writeFileSync(remotePart, data.subarray(0, 1024 * 1024));
    await nodeOwned(remotePart);
    utimesSync(remotePart, stamp, stamp);
    const put = await cli(['--json', 'put', '518839', local, 'cli-resume.bin']);
    expect(put.code).toBe(0);
    expect(json<TransferJob>(put)).toMatchObject({
      state: 'done',
      resumedFrom: 1024 * 1024,
      bytes: data.length,
    });
    expect(sha256(readFileSync(join(nodeHome(518839), 'cli-resume.bin')))).toBe(sha256(data));
    expect(existsSync(remotePart)).toBe(false);

    const back = join(dir, 'resumed-back.bin');
    const localPart = join(dir, '.resumed-back.bin.enscale-part');
    const remoteTime = Math.floor(statSync(join(nodeHome(518839), 'cli-resume.bin')).mtimeMs / 1000);
    writeFileSync(localPart, data.subarray(0, 3 * 1024 * 1024));
    utimesSync(localPart, remoteTime, remoteTime);
    const get = await cli(['--json', 'get', '518839', 'cli-resume.bin', back]);
    expect(get.code).toBe(0);
    expect(json<TransferJob>(get)).toMatchObject({ state: 'done', resumedFrom: 3 * 1024 * 1024 });
    expect(sha256(readFileSync(back))).toBe(sha256(data));
  });

  it('imports SQL into the database node with the password on stdin', async () => {
    const db = sandbox.ready.database!;
    const dump = join(dir, 'dump.sql');
    writeFileSync(dump, 'CREATE TABLE cli_test (id INT);\nINSERT INTO cli_test VALUES (1),(2),(3),(4);\n');
    const run = await cli(
      ['--json', 'sql', 'import', '518840', dump, '--db', db.name, '--user', db.user],
      `${db.password}\n`,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(json(run)).toMatchObject({ bytes: expect.any(Number) });
    expect((await sandbox.nodes.database.query('SELECT COUNT(*) FROM cli_test')).trim()).toBe('4');

    const exported = join(dir, 'export.sql');
    const dumped = await cli(
      ['sql', 'export', '518840', exported, '--db', db.name, '--user', db.user],
      `${db.password}\n`,
    );
    expect(dumped.code).toBe(0);
    expect(readFileSync(exported, 'utf8')).toMatch(
      /INSERT INTO `cli_test` VALUES\s*\(1\),\s*\(2\),\s*\(3\),\s*\(4\);/,
    );
  });

  it('reports a database refusal in one line', async () => {
    const db = sandbox.ready.database!;
    const dump = join(dir, 'broken.sql');
    writeFileSync(dump, 'SELEKT 1;\n');
    const run = await cli(
      ['sql', 'import', '518840', dump, '--db', db.name, '--user', db.user],
      `${db.password}\n`,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^enscale-ssh: [^\n]*ERROR[^\n]*\n$/);
  });

  it('imports and exports SQL on the PostgreSQL node, and names psql’s error line', async () => {
    const db = sandbox.ready.databases.find((entry) => entry.engine === 'postgresql')!;
    expect(db.node).toBe(518860);
    const dump = join(dir, 'pg-dump.sql.gz');
    writeFileSync(
      dump,
      gzipSync(
        'CREATE TABLE cli_pg (id int PRIMARY KEY, name text);\n' +
          "COPY cli_pg (id, name) FROM stdin;\n1\tone\n2\ttwo\n3\tZoë O'Brien\n\\.\n",
      ),
    );
    const args = (...rest: string[]) => [...rest, '--db', db.name, '--user', db.user];
    const run = await cli(args('--json', 'sql', 'import', '518860', dump), `${db.password}\n`);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((await sandbox.nodes.postgres.query('SELECT count(*) FROM cli_pg')).trim()).toBe('3');

    const exported = join(dir, 'pg-export.sql');
    const dumped = await cli(args('sql', 'export', '518860', exported), `${db.password}\n`);
    expect(dumped.code).toBe(0);
    // pg_dump's own output, rows as COPY data.
    expect(readFileSync(exported, 'utf8')).toMatch(
      /COPY public\.cli_pg \(id, name\) FROM stdin;\n1\tone\n2\ttwo\n3\tZoë O'Brien\n\\\.\n/,
    );

    const broken = join(dir, 'pg-broken.sql');
    writeFileSync(broken, 'CREATE TABLE cli_pg_ok (id int);\nSELEKT 1;\n');
    const refused = await cli(args('sql', 'import', '518860', broken), `${db.password}\n`);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^enscale-ssh: [^\n]*syntax error at or near "SELEKT"[^\n]*\n$/);
    expect(refused.stderr).toMatch(/line 2/);
  });

  it('fails on an unpinned gateway with its fingerprint and how to pin it', async () => {
    const other = join(dir, 'unpinned');
    const run = (args: string[], input?: string) => runCli(other, args, input);
    expect((await run(['platform', 'use', sandbox.ready.api, '--gateway', gatewayOption()])).code).toBe(0);
    expect((await run(['login', 'demo@sandbox.local'], 'demo\n')).code).toBe(0);
    expect((await run(['keys', 'generate', '--bits', '2048'])).code).toBe(0);
    const ssh = await run(['ssh', '518839', '--', 'true']);
    expect(ssh.code).toBe(1);
    expect(ssh.stderr).toMatch(/^enscale-ssh: [^\n]+\n$/);
    expect(ssh.stderr).toContain('--fingerprint');
    const offered = [sandbox.ready.gateway!.hostKey.sha256, sandbox.ready.gateway!.hostKeyEd25519.sha256];
    expect(offered.some((fingerprint) => ssh.stderr.includes(fingerprint))).toBe(true);
  });
});
