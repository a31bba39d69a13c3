import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebHost } from '../../electron/webhost/WebHost.ts';
import { stagedRelativePath } from '../../electron/webhost/staging.ts';
import { stageBatches } from '../../renderer/src/host/stageBatches.ts';

let dir: string;
let web: WebHost;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webhost-staging-'));
  web = await WebHost.start({ services: {}, staticDir: dir, port: 0, stagingDir: join(dir, 'staging') });
});
afterAll(async () => {
  await web?.close();
  await rm(dir, { recursive: true, force: true });
});

const BATCH = 'c0ffee00-1234-4abc-8def-0123456789ab';
const stage = (name: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${web.origin}/stage?batch=${BATCH}&name=${encodeURIComponent(name)}`, {
    method: 'POST',
    body,
    headers: { 'X-Enscale-Token': web.token, Origin: web.origin, ...headers },
  });

describe('the browser host’s staging of dropped files', () => {
  it('writes a dropped file, folders kept, and answers its local path', async () => {
    const response = await stage('site/css/a b.css', 'body {}');
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { path: string; root: string };
    expect(answer.path).toBe(join(answer.root, 'site', 'css', 'a b.css'));
    expect(await readFile(answer.path, 'utf8')).toBe('body {}');
    // Nothing but the file: the temporary name is gone.
    expect(await readdir(join(answer.root, 'site', 'css'))).toEqual(['a b.css']);
  });

  it('refuses a missing or wrong token, and other origins', async () => {
    expect((await stage('x.txt', 'x', { 'X-Enscale-Token': 'nope' })).status).toBe(401);
    expect((await stage('x.txt', 'x', { Origin: 'http://evil.example' })).status).toBe(403);
    const noToken = await fetch(`${web.origin}/stage?batch=${BATCH}&name=x.txt`, {
      method: 'POST',
      body: 'x',
    });
    expect(noToken.status).toBe(401);
  });

  it.each(['../escape.txt', 'a/../../b', '/etc/passwd', 'a//b', 'a\\b', './a', 'a\0b', ''])(
    'refuses the name %j',
    async (name) => {
      expect((await stage(name, 'x')).status).toBe(400);
    },
  );

  it('names outside a batch id are refused, and a batch can be removed', async () => {
    const bad = await fetch(`${web.origin}/stage?batch=..&name=x`, {
      method: 'POST',
      body: 'x',
      headers: { 'X-Enscale-Token': web.token, Origin: web.origin },
    });
    expect(bad.status).toBe(400);
    const removed = await fetch(`${web.origin}/stage?batch=${BATCH}`, {
      method: 'DELETE',
      headers: { 'X-Enscale-Token': web.token, Origin: web.origin },
    });
    expect(removed.status).toBe(200);
    expect(await readdir(join(dir, 'staging'))).toEqual([]);
  });

  it('reads relative paths strictly', () => {
    expect(stagedRelativePath('a/b/c.txt')).toBe('a/b/c.txt');
    expect(stagedRelativePath('x'.repeat(256))).toBeUndefined();
  });
});

/** A batch body as the page frames it: 4-byte length, JSON `[[name, size], …]`, then the bytes. */
function frame(list: [string, number][], data: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(list));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([length, json, data]);
}

const stageMany = (batch: string, body: Buffer, headers: Record<string, string> = {}) =>
  fetch(`${web.origin}/stage?batch=${batch}&files=list`, {
    method: 'POST',
    body,
    headers: { 'X-Enscale-Token': web.token, Origin: web.origin, ...headers },
  });

/** Every file under a batch's folder, by relative path. */
async function stagedFiles(batch: string): Promise<string[]> {
  const root = join(dir, 'staging', batch);
  const names = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return names
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();
}

describe('the browser host’s staging of many files in one request', () => {
  it('writes hundreds of nested files sent as the page sends them, byte-equal, no temporary names left', async () => {
    const batch = 'batch-0000-many';
    const files = Array.from({ length: 1500 }, (_, i) => ({
      relativePath: `site/d${i % 7}/s${i % 3}/f-${i}.php`,
      // One file above the 1 MiB the host holds whole: streamed to the disk between the small ones.
      content: randomBytes(i === 700 ? 3 << 20 : i % 5000),
    }));
    let staged = 0;
    const root = await stageBatches(
      web.origin,
      web.token,
      batch,
      files.map((f) => ({ relativePath: f.relativePath, file: new Blob([f.content]) })),
      (bytes) => (staged += bytes),
      { Origin: web.origin },
    );
    expect(root).toBe(join(dir, 'staging', batch));
    expect(staged).toBe(files.reduce((sum, f) => sum + f.content.length, 0));
    expect(await stagedFiles(batch)).toEqual(files.map((f) => f.relativePath).sort());
    for (const f of files) expect((await readFile(join(root, f.relativePath))).equals(f.content)).toBe(true);
  });

  it('refuses a list with a name leaving the batch, and writes none of its files', async () => {
    for (const name of ['../escape.txt', 'a/../../b', '/etc/passwd', 'a\\b', '']) {
      const response = await stageMany(
        'batch-0001-bad',
        frame(
          [
            ['ok.txt', 2],
            [name, 1],
          ],
          Buffer.from('okx'),
        ),
      );
      expect(response.status, name).toBe(400);
    }
    const twice = await stageMany(
      'batch-0001-bad',
      frame(
        [
          ['a', 1],
          ['a', 1],
        ],
        Buffer.from('xy'),
      ),
    );
    expect(twice.status).toBe(400);
    const badSize = await stageMany('batch-0001-bad', frame([['a', -1]], Buffer.alloc(0)));
    expect(badSize.status).toBe(400);
    expect(await stagedFiles('batch-0001-bad')).toEqual([]);
    expect(await readdir(join(dir, 'staging'))).not.toContain('escape.txt');
  });

  it('refuses a wrong token or another origin and writes nothing', async () => {
    const body = frame([['x.txt', 1]], Buffer.from('x'));
    expect((await stageMany('batch-0002-token', body, { 'X-Enscale-Token': 'nope' })).status).toBe(401);
    expect((await stageMany('batch-0002-token', body, { Origin: 'http://evil.example' })).status).toBe(403);
    expect(await stagedFiles('batch-0002-token')).toEqual([]);
  });

  it('a body that ends early keeps only whole files, under their names; one that runs on is refused', async () => {
    const short = frame(
      [
        ['a.txt', 3],
        ['b.txt', 5],
      ],
      Buffer.from('aaabb'),
    );
    expect((await stageMany('batch-0003-short', short)).status).toBe(400);
    expect(await stagedFiles('batch-0003-short')).toEqual(['a.txt']);
    expect(await readFile(join(dir, 'staging', 'batch-0003-short', 'a.txt'), 'utf8')).toBe('aaa');
    const long = frame([['c.txt', 1]], Buffer.from('cc'));
    expect((await stageMany('batch-0004-long', long)).status).toBe(400);
    expect(await stagedFiles('batch-0004-long')).toEqual(['c.txt']);
  });
});
