import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHostProcess } from './webHostProcess.ts';

/**
 * A real Chromium against `start:web --sandbox`: a page built from the shim the renderer will use
 * (`shared/src/rpc/browserCore.ts`, bundled by esbuild) reaches the core with the token in its URL,
 * while the host's CSP keeps inline script from running and other origins are turned away.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHIM = join(ROOT, 'shared', 'src', 'rpc', 'browserCore.ts');
// The renderer's own token handling, so the page leaves the address bar as the app does.
const PAGE_TOKEN = join(ROOT, 'renderer', 'src', 'host', 'pageToken.ts');

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Enscale SSH — browser host test page</title>
<link rel="stylesheet" href="/page.css">
<script type="module" src="/app.js"></script>
</head>
<body>
<h1>Enscale SSH through the browser host</h1>
<p id="status">Connecting…</p>
<ul id="environments"></ul>
<pre id="result"></pre>
<script>document.body.dataset.inline = 'ran';</script>
</body>
</html>
`;

const PAGE_CSS = `body { font: 15px system-ui, sans-serif; margin: 2rem; color: #1d2433; }
h1 { font-size: 1.4rem; }
#status { color: #2b6cb0; }
li { margin: 0.3rem 0; }
pre { background: #f3f5f8; padding: 0.8rem; white-space: pre-wrap; }
`;

// Imports nothing but the shim: the page gets the core exactly as the renderer will.
const PAGE_TS = `import { connectBrowserCore } from ${JSON.stringify(SHIM)};
import { takePageToken } from ${JSON.stringify(PAGE_TOKEN)};

const status = document.getElementById('status')!;
const token = takePageToken(window);
const login = new URLSearchParams(location.hash.slice(1));
try {
  const core = await connectBrowserCore(\`ws://\${location.host}/rpc\`, token);
  status.textContent = 'Signing in…';
  const account = await core.platform.signIn(login.get('login') ?? '', login.get('password') ?? '');
  const list = await core.platform.environments();
  for (const env of list.environments) {
    const item = document.createElement('li');
    const count = env.nodes.length === 1 ? '1 node' : \`\${env.nodes.length} nodes\`;
    item.textContent = \`\${env.envName}: \${count} (\${env.nodes.map((node) => node.id).join(', ')})\`;
    document.getElementById('environments')!.append(item);
  }
  document.getElementById('result')!.textContent = JSON.stringify(
    list.environments.map((env) => ({ envName: env.envName, nodes: env.nodes.map((node) => node.id) })),
  );
  status.textContent = \`Signed in as \${account.email}\`;
} catch (error) {
  status.textContent = \`Failed: \${(error as Error).message}\`;
}
`;

let dir: string;
let web: WebHostProcess;
let browser: Browser;
let otherSite: Server;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'webhost-browser-'));
  const staticDir = join(dir, 'static');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(staticDir, 'page.css'), PAGE_CSS);
  writeFileSync(join(dir, 'page.ts'), PAGE_TS);
  await build({
    entryPoints: [join(dir, 'page.ts')],
    outfile: join(staticDir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  web = await startWebHost(['--sandbox', '--static', staticDir, '--profile', join(dir, 'profile')]);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  otherSite = createServer((_request, response) =>
    response.end('<!doctype html><title>Another site</title>'),
  );
  await new Promise<void>((resolve) => otherSite.listen(0, '127.0.0.1', resolve));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (otherSite ? otherSite.close(resolve) : resolve(undefined)));
  await web?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the browser host in Chromium', () => {
  it('gives the page the core: it signs in and lists the environments', async () => {
    const page = await browser.newPage();
    const console: string[] = [];
    page.on('console', (message) => console.push(message.text()));
    const user = web.ready.sandbox!.users[0]!;
    const credentials = new URLSearchParams({ login: user.login, password: user.password });
    const response = await page.goto(`${web.ready.url}#${credentials}`);

    expect(response!.status()).toBe(200);
    expect(response!.headers()['content-security-policy']).toBe(
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://${new URL(web.origin).host}; ` +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
    await page.locator('#status', { hasText: 'Signed in as' }).waitFor();
    const result = JSON.parse((await page.locator('#result').textContent()) ?? '') as {
      envName: string;
      nodes: number[];
    }[];
    expect(result.map((env) => env.envName)).toEqual(['analytics', 'shop', 'staging']);
    expect(result.flatMap((env) => env.nodes)).toContain(518839);

    // The page's own module ran; the inline script did not, and Chromium says the policy stopped it.
    expect(await page.locator('body').getAttribute('data-inline')).toBeNull();
    expect(console.some((text) => /Content Security Policy/.test(text))).toBe(true);

    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results', 'webhost.png'), fullPage: true });
    await page.close();
  });

  it('takes the token out of the address bar once read, and a reload of the tab still connects', async () => {
    const page = await browser.newPage();
    const user = web.ready.sandbox!.users[0]!;
    const credentials = new URLSearchParams({ login: user.login, password: user.password });
    await page.goto(`${web.ready.url}#${credentials}`);
    await page.locator('#status', { hasText: 'Signed in as' }).waitFor();
    const token = new URL(web.ready.url).searchParams.get('token')!;
    expect(token.length).toBeGreaterThan(20);

    const shown = await page.evaluate<string>('location.href');
    expect(shown).not.toContain(token);
    expect(new URL(shown).searchParams.has('token')).toBe(false);
    expect(page.url()).not.toContain(token);

    await page.reload();
    await page.locator('#status', { hasText: 'Signed in as' }).waitFor();
    expect(await page.evaluate<string>('location.href')).not.toContain(token);
    await page.close();
  });

  it('turns away a page of another origin even with the right token', async () => {
    const page = await browser.newPage();
    const address = otherSite.address();
    await page.goto(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`);
    const outcome = await page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(url);
          socket.onopen = () => resolve('open');
          socket.onclose = (event) => resolve(`closed ${event.code}`);
        }),
      web.rpcUrl(),
    );
    expect(outcome).toBe('closed 1006');
    await page.close();
  });
});
