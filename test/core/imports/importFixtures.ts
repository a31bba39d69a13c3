import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostsApi, NodeShortcut, SavedHost } from '../../../shared/src/hosts.ts';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import { ImportService, type ImportServiceOptions } from '../../../electron/core/imports/ImportService.ts';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** backup.ppk's passphrase (made with `puttygen -t rsa -b 2048 -C 'backup key' --new-passphrase`). */
export const PPK_PASSPHRASE = 'import fixture';
export const GATEWAY = { host: 'sshgateway.io', port: 3022 };

export interface Home {
  dir: string;
  /** The three-session .reg, filled in, as regedit writes it (UTF-16LE, BOM, CRLF) or as UTF-8. */
  regFile(encoding: 'utf16le' | 'utf8', gatewayHost?: string, gatewayPort?: number): Promise<string>;
  remove(): Promise<void>;
}

/** A home folder with the fixture keys in `keys/` (id_deploy for ssh config, backup.ppk for PuTTY). */
export async function makeHome(): Promise<Home> {
  const dir = await mkdtemp(join(tmpdir(), 'import-home-'));
  await mkdir(join(dir, 'keys'), { mode: 0o700 });
  for (const name of ['backup.ppk', 'id_deploy', 'id_deploy.pub'])
    await copyFile(join(FIXTURES, name), join(dir, 'keys', name));
  return {
    dir,
    async regFile(encoding, gatewayHost = GATEWAY.host, gatewayPort = GATEWAY.port) {
      const template = await readFile(join(FIXTURES, 'three-sessions.reg.template'), 'utf8');
      // .reg strings escape backslashes: a Windows path would be C:\\Users\\…
      const keyFile = join(dir, 'keys', 'backup.ppk').replace(/\\/g, '\\\\');
      const text = template
        .replace('{{KEY_FILE}}', keyFile)
        .replace('{{GATEWAY_HOST}}', gatewayHost)
        .replace('{{GATEWAY_PORT}}', gatewayPort.toString(16).padStart(8, '0'));
      const path = join(dir, `putty-${encoding}.reg`);
      const bytes =
        encoding === 'utf16le'
          ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/\n/g, '\r\n'), 'utf16le')])
          : Buffer.from(text, 'utf8');
      await writeFile(path, bytes);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** What a store holds, for planning tests that do not save (apply tests use the real HostStore). */
export function savedOnly(
  hosts: SavedHost[] = [],
  shortcuts: NodeShortcut[] = [],
): Pick<HostsApi, 'list' | 'add' | 'addShortcut'> {
  return {
    list: async () => ({ hosts, shortcuts }),
    add: () => Promise.reject(new Error('planning only')),
    addShortcut: () => Promise.reject(new Error('planning only')),
  };
}

export function service(
  options: Partial<ImportServiceOptions> & { home: string; vaultKeys?: KeyInfo[] },
): ImportService {
  return new ImportService({
    hosts: savedOnly(),
    keys: {
      list: async () => options.vaultKeys ?? [],
      importFile: () => Promise.reject(new Error('planning only')),
    },
    gateway: async () => GATEWAY,
    platform: 'linux',
    localUser: 'ann',
    runProcess: () => Promise.reject(new Error('no reg.exe here')),
    tempDir: tmpdir(),
    ...options,
  });
}
