import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityHeaders } from '../../electron/webhost/securityHeaders.ts';
import { APP_ENTRY, APP_ORIGIN, resolveAppFile } from '../../electron/main/policy/appUrl.ts';
import { appResponseHeaders, CONTENT_SECURITY_POLICY } from '../../electron/main/policy/contentSecurity.ts';
import { externalUrl } from '../../electron/main/policy/externalLinks.ts';
import { isPermissionGranted } from '../../electron/main/policy/permissions.ts';
import { isTrustedSender } from '../../electron/main/policy/sender.ts';
import { secureWebPreferences } from '../../electron/main/policy/webPreferences.ts';

const directives = (policy: string) =>
  new Map(
    policy.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

describe('the window’s web preferences (Electron security checklist)', () => {
  const prefs = secureWebPreferences('/app/out/desktop/preload.cjs');

  it('isolates, sandboxes and keeps Node out of the page', () => {
    expect(prefs).toMatchObject({
      preload: '/app/out/desktop/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    });
  });

  it('enables no Blink feature and opts out of nothing', () => {
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('disableBlinkFeatures');
    expect(prefs).not.toHaveProperty('enableRemoteModule');
  });
});

describe('the content security policy', () => {
  const policy = directives(CONTENT_SECURITY_POLICY);

  it('allows no inline or evaluated script and no remote origin', () => {
    // Inline styles only (xterm.js creates <style> elements); never inline or evaluated script.
    const withoutStyles = CONTENT_SECURITY_POLICY.replace("style-src 'self' 'unsafe-inline'", '');
    expect(withoutStyles).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe-eval/);
    expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|wss?:|\*|data:|blob:|filesystem:/);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('is the browser host’s policy but for the WebSocket the browser host needs', () => {
    const web = directives(securityHeaders('http://127.0.0.1:4321')['Content-Security-Policy']!);
    for (const [name, values] of web) {
      if (name === 'connect-src') expect(values).toEqual(["'self'", 'ws://127.0.0.1:4321']);
      else expect(policy.get(name), name).toEqual(values);
    }
  });

  it('goes out on every app:// answer with the browser host’s other headers', () => {
    const headers = appResponseHeaders();
    expect(headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    const { 'Content-Security-Policy': _web, ...webRest } = securityHeaders('http://127.0.0.1:1');
    const { 'Content-Security-Policy': _app, ...appRest } = headers;
    expect(appRest).toEqual(webRest);
  });
});

describe('links opened outside the app', () => {
  it.each([
    ['https://enscale.com/docs?x=1#y', 'https://enscale.com/docs?x=1#y'],
    ['http://example.org', 'http://example.org/'],
    ['HTTPS://Example.ORG/a', 'https://example.org/a'],
  ])('opens %s', (url, expected) => {
    expect(externalUrl(url)).toBe(expected);
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox',
    'ms-msdt:/id PCWDiagnostic',
    'smb://server/share',
    'ssh://root@host',
    'app://enscale/index.html',
    'https://user:secret@example.org/',
    'https://dashboard.enscale.com@evil.example/',
    'https://user@example.org/',
    'https://exa mple.org/',
    ' https://example.org/',
    'https://example.org/\n',
    '//example.org/',
    '/relative',
    '',
    `https://example.org/${'a'.repeat(3000)}`,
  ])('refuses %s', (url) => {
    expect(externalUrl(url)).toBeNull();
  });
});

describe('permissions', () => {
  const page = { url: `${APP_ORIGIN}/index.html`, isMainFrame: true };

  it('gives the app’s own page the clipboard and nothing else', () => {
    expect(isPermissionGranted('clipboard-read', page)).toBe(true);
    expect(isPermissionGranted('clipboard-sanitized-write', page)).toBe(true);
    for (const permission of [
      'media',
      'notifications',
      'geolocation',
      'openExternal',
      'fullscreen',
      'hid',
      'usb',
    ])
      expect(isPermissionGranted(permission, page)).toBe(false);
  });

  it('refuses the clipboard to frames and origins that are not the app’s page', () => {
    expect(isPermissionGranted('clipboard-read', { ...page, isMainFrame: false })).toBe(false);
    expect(isPermissionGranted('clipboard-read', { url: 'https://example.com/', isMainFrame: true })).toBe(
      false,
    );
    expect(isPermissionGranted('clipboard-read', { url: 'file:///etc/passwd', isMainFrame: true })).toBe(
      false,
    );
    expect(isPermissionGranted('clipboard-read', null)).toBe(false);
  });
});

describe('IPC senders', () => {
  it('trusts the app’s own page in a main frame', () => {
    expect(isTrustedSender({ url: APP_ENTRY, isMainFrame: true })).toBe(true);
    expect(isTrustedSender({ url: `${APP_ORIGIN}/settings?tab=1#x`, isMainFrame: true })).toBe(true);
  });

  it.each([
    ['a subframe of the app', { url: APP_ENTRY, isMainFrame: false }],
    ['another host on app:', { url: 'app://evil/index.html', isMainFrame: true }],
    ['a look-alike host', { url: 'app://enscale.evil/index.html', isMainFrame: true }],
    ['credentials in the URL', { url: 'app://x@enscale/index.html', isMainFrame: true }],
    ['a web page', { url: 'https://enscale.com/', isMainFrame: true }],
    ['file:', { url: 'file:///work/renderer/dist/index.html', isMainFrame: true }],
    ['devtools', { url: 'devtools://devtools/bundled/inspector.html', isMainFrame: true }],
    ['about:blank', { url: 'about:blank', isMainFrame: true }],
    ['garbage', { url: 'not a url', isMainFrame: true }],
    ['a frame that is gone', null],
  ])('refuses %s', (_name, frame) => {
    expect(isTrustedSender(frame)).toBe(false);
  });
});

describe('the app:// protocol’s files', () => {
  let base: string;
  let root: string;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'enscale-app-protocol-'));
    root = join(base, 'dist');
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html>');
    await writeFile(join(root, 'assets', 'app.js'), 'export {};');
    await writeFile(join(base, 'secret.txt'), 'outside');
    await symlink(join(base, 'secret.txt'), join(root, 'escape.txt'));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('serves the entry and assets with their types', async () => {
    expect(await resolveAppFile(root, APP_ENTRY)).toEqual({
      file: join(root, 'index.html'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(await resolveAppFile(root, `${APP_ORIGIN}/`)).toMatchObject({ file: join(root, 'index.html') });
    expect(await resolveAppFile(root, `${APP_ORIGIN}/assets/app.js?v=1#top`)).toEqual({
      file: join(root, 'assets', 'app.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
  });

  it.each([
    `${APP_ORIGIN}/../secret.txt`,
    `${APP_ORIGIN}/assets/../../secret.txt`,
    `${APP_ORIGIN}/%2e%2e/secret.txt`,
    `${APP_ORIGIN}/%2E%2E%2Fsecret.txt`,
    `${APP_ORIGIN}/assets/%2e%2e/%2e%2e/secret.txt`,
    `${APP_ORIGIN}/..%5csecret.txt`,
    `${APP_ORIGIN}/C:%5CWindows%5Cwin.ini`,
    `${APP_ORIGIN}/index.html%00.js`,
    `${APP_ORIGIN}/%E0%A4%A`,
  ])('refuses the traversal %s', async (url) => {
    expect(await resolveAppFile(root, url)).toEqual({ status: 400 });
  });

  it.each([
    ['an absolute path', `${APP_ORIGIN}//etc/passwd`],
    ['an encoded absolute path', `${APP_ORIGIN}/%2Fetc%2Fpasswd`],
    ['a symlink out of the folder', `${APP_ORIGIN}/escape.txt`],
    ['a missing file', `${APP_ORIGIN}/nope.js`],
    ['another host', 'app://other/index.html'],
    ['a look-alike host', 'app://enscale.evil/index.html'],
    ['credentials', 'app://x@enscale/index.html'],
    ['no path', APP_ORIGIN],
    ['another scheme', 'file:///work/main/renderer/dist/index.html'],
    ['the web', 'https://enscale/index.html'],
  ])('finds nothing for %s', async (_name, url) => {
    const resolved = await resolveAppFile(root, url);
    expect(resolved).toEqual({ status: 404 });
  });
});
