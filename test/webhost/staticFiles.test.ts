import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameToken } from '../../electron/webhost/access.ts';
import { resolveStaticPath } from '../../electron/webhost/staticFiles.ts';

let dir: string;
let root: string;

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'webhost-static-')));
  root = join(dir, 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  mkdirSync(join(root, 'empty'));
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'assets', 'app.js'), '');
  writeFileSync(join(root, '..weird.js'), '');
  writeFileSync(join(dir, 'secret.txt'), 'not for the page');
  symlinkSync(join(dir, 'secret.txt'), join(root, 'leak.txt'));
  symlinkSync(dir, join(root, 'up'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the browser host’s static files', () => {
  it('serves files and a folder’s index.html, whatever the query', async () => {
    expect(await resolveStaticPath(root, '/')).toEqual({ file: join(root, 'index.html') });
    expect(await resolveStaticPath(root, '/assets/app.js?v=1#x')).toEqual({
      file: join(root, 'assets', 'app.js'),
    });
    expect(await resolveStaticPath(root, '/assets/%61pp.js')).toEqual({
      file: join(root, 'assets', 'app.js'),
    });
    expect(await resolveStaticPath(root, '/..weird.js')).toEqual({ file: join(root, '..weird.js') });
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/assets/../../secret.txt',
    '/..\\secret.txt',
    '/%5c..%5csecret.txt',
    '/index.html%00.js',
    '/%E0%A4%A',
    'secret.txt',
    'http://127.0.0.1/secret.txt',
  ])('refuses %s with 400', async (path) => {
    expect(await resolveStaticPath(root, path)).toEqual({ status: 400 });
  });

  it.each(['/missing.js', '/empty', '/empty/', '/leak.txt', '/up/secret.txt'])(
    'has nothing at %s (no listings, no way out through a symlink)',
    async (path) => {
      expect(await resolveStaticPath(root, path)).toEqual({ status: 404 });
    },
  );

  it('answers 404 for everything when the folder is missing', async () => {
    expect(await resolveStaticPath(join(dir, 'nowhere'), '/')).toEqual({ status: 404 });
  });

  it('compares tokens whatever their length', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abd', 'abc')).toBe(false);
    expect(sameToken('', 'abc')).toBe(false);
    expect(sameToken('abcd', 'abc')).toBe(false);
  });
});
