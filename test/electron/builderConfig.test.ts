import { Ajv } from 'ajv';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
const schema = JSON.parse(
  readFileSync(join(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8'),
) as object;
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};

type Target = string | { target: string; arch?: string[] };
const targets = (platform: string) =>
  ((config[platform] as { target: Target[] }).target ?? []).map((entry) =>
    typeof entry === 'string' ? entry : entry.target,
  );

describe('electron-builder.yml', () => {
  it('is valid by electron-builder’s own schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('names the app', () => {
    expect(config.productName).toBe('Enscale SSH');
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/);
  });

  it('builds NSIS for Windows, dmg and zip for macOS, AppImage and deb for Linux', () => {
    expect(targets('win')).toEqual(['nsis']);
    expect(targets('mac').sort()).toEqual(['dmg', 'zip']);
    expect(targets('linux').sort()).toEqual(['AppImage', 'deb']);
  });

  it('unpacks the native modules from the asar', () => {
    const unpack = config.asarUnpack as string[];
    expect(config.asar).toBe(true);
    for (const entry of [
      '**/*.node',
      'node_modules/keytar/**',
      'node_modules/node-pty/**',
      'node_modules/cpu-features/**',
      'node_modules/ssh2/lib/protocol/crypto/build/**',
    ]) {
      expect(unpack).toContain(entry);
    }
  });

  it('packages the bundles it starts from, and the icon drawn in build/', () => {
    expect((config.extraMetadata as { main: string }).main).toBe('out/desktop/main.mjs');
    expect(config.files).toEqual(expect.arrayContaining(['out/desktop/**', 'renderer/dist/**']));
    const png = readFileSync(join(ROOT, 'build/icon.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // IHDR: width and height, big-endian, at bytes 16 and 20.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024]);
    expect(readFileSync(join(ROOT, 'build/icon.svg'), 'utf8')).toMatch(/^<svg[^>]+viewBox="0 0 1024 1024"/);
  });

  it('sets every fuse electron-builder knows, each to its safe value', () => {
    // Every fuse, not a subset: a fuse left out keeps Electron's default, and a new one in a later
    // electron-builder (read from its own schema) fails here until someone decides its value.
    const known = Object.keys(
      (schema as { definitions: { FuseOptionsV1: { properties: object } } }).definitions.FuseOptionsV1
        .properties,
    ).sort();
    const safe: Record<string, boolean> = {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
      resetAdHocDarwinSignature: true,
    };
    expect(Object.keys(safe).sort()).toEqual(known);
    expect(config.electronFuses).toEqual(safe);
  });

  it('notarises a hardened-runtime macOS build, and makes spawn-helper executable before signing', () => {
    const mac = config.mac as Record<string, unknown>;
    expect(mac.hardenedRuntime).toBe(true);
    expect(mac.notarize).toBe(true);
    // electron-builder runs afterPack before it signs: a mode changed after signing breaks the seal.
    expect(config.afterPack).toBe('./build/afterPack.mjs');
    expect(statSync(join(ROOT, config.afterPack as string)).isFile()).toBe(true);
    expect(config.afterSign ?? null).toBeNull();
  });

  it('names an afterPack hook electron-builder’s own loader finds as a function', async () => {
    const { resolveFunction } = createRequire(import.meta.url)(
      join(ROOT, 'node_modules/app-builder-lib/out/util/resolve.js'),
    ) as {
      resolveFunction: (type: string, executor: unknown, name: string, root: string) => Promise<unknown>;
    };
    // electron-builder resolves the path from the project folder, which is where vitest runs.
    expect(process.cwd()).toBe(ROOT.replace(/\/$/, ''));
    const hook = await resolveFunction('afterPack', config.afterPack, 'afterPack', ROOT);
    expect(typeof hook).toBe('function');
    expect((hook as { name: string }).name).toBe('afterPack');
  });

  it('installs per user on Windows, with the install-mode page forced off by build/installer.nsh', () => {
    const nsis = config.nsis as Record<string, unknown>;
    expect(nsis).toMatchObject({ oneClick: false, perMachine: false, include: 'build/installer.nsh' });
    // Comments stripped: a `;` line that mentions the variable must not count.
    const script = readFileSync(join(ROOT, 'build/installer.nsh'), 'utf8')
      .split('\n')
      .map((line) => line.replace(/[;#].*$/, '').trim())
      .filter(Boolean);
    const start = script.indexOf('!macro customInstallMode');
    const end = script.indexOf('!macroend', start);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(script.slice(start + 1, end)).toEqual([
      'StrCpy $isForceCurrentInstall "1"',
      'StrCpy $isForceMachineInstall "0"',
    ]);
    // electron-builder's page calls exactly this macro and reads exactly this variable.
    const page = readFileSync(
      join(ROOT, 'node_modules/app-builder-lib/templates/nsis/multiUserUi.nsh'),
      'utf8',
    );
    expect(page).toContain('!insertmacro customInstallMode');
    expect(page).toContain('${if} $isForceCurrentInstall == "1"');
  });

  it('takes signing certificates and notarisation accounts only from the environment', () => {
    // Options that would name a certificate, its password or an Apple account in the repository.
    const secretOptions = [
      'cscLink',
      'cscKeyPassword',
      'certificateFile',
      'certificatePassword',
      'certificateSubjectName',
      'certificateSha1',
      'identity',
      'keychain',
      'provisioningProfile',
      'azureSignOptions',
      'sign',
    ];
    const found: string[] = [];
    const walk = (value: unknown, path: string): void => {
      if (value === null || typeof value !== 'object') return;
      for (const [key, inner] of Object.entries(value)) {
        if (secretOptions.includes(key)) found.push(`${path}${key}`);
        walk(inner, `${path}${key}.`);
      }
    };
    walk(config, '');
    expect(found).toEqual([]);
    expect(config.forceCodeSigning ?? false).toBe(false);
    expect((config.win as { signtoolOptions: unknown }).signtoolOptions).toEqual({
      signingHashAlgorithms: ['sha256'],
    });
    expect(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')).not.toMatch(/-----BEGIN|\.p12|\.pfx/i);
  });

  it('is what `npm run dist` runs, after bundling', () => {
    expect(packageJson.scripts.dist).toBe('electron-builder');
    expect(packageJson.scripts.predist).toBe('node scripts/launch-desktop.mjs --build-only');
    expect(packageJson.devDependencies.electron).toMatch(/^\^45\./);
  });
});
