import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebHost } from '../../electron/webhost/WebHost.ts';
import { stagedRelativePath } from '../../electron/webhost/staging.ts';

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
