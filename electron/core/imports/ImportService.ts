import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { AppError, InvalidInput, LocalFileError } from '../../../shared/src/errors.ts';
import type { GatewayAddress } from '../../../shared/src/gatewayAddress.ts';
import type { HostsApi } from '../../../shared/src/hosts.ts';
import type {
  ImportChoice,
  ImportPlan,
  ImportReport,
  ImportSource,
  ImportsApi,
} from '../../../shared/src/imports.ts';
import type { KeysApi } from '../../../shared/src/keys.ts';
import { applyPlan } from './applyPlan.ts';
import type { ParsedSessions } from './foreignSession.ts';
import { probeKeyFile, type KeyProbe } from './keyProbe.ts';
import { planImport } from './planImport.ts';
import { readPuttySessionsFolder, sessionsFromRegistry } from './puttySessions.ts';
import { parseRegFile } from './regFile.ts';
import { sshConfigHosts } from './sshConfigHosts.ts';
import { readWindowsRegistry, REGISTRY_KEYS, type ProcessRunner } from './windowsRegistry.ts';

export interface ImportServiceOptions {
  hosts: Pick<HostsApi, 'list' | 'add' | 'addShortcut'>;
  keys: Pick<KeysApi, 'list' | 'importFile'>;
  /** The current platform's gateway (and older names it answers to), or none before one is chosen. */
  gateway: () => Promise<(GatewayAddress & { otherNames?: readonly string[] }) | undefined>;
  /** Whose conventions apply: the registry on Windows, `~/.putty/sessions` elsewhere. */
  platform: NodeJS.Platform;
  home: string;
  /** ssh's user for a config host that names none. */
  localUser: string;
  /** Runs reg.exe on Windows. */
  runProcess: ProcessRunner;
  /** Where reg.exe's export goes for the moment it is read. */
  tempDir: string;
}

// Registry exports of a few hundred sessions are tens of KB; ssh configs a few KB.
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

/** Other tools' saved sessions into plain hosts and node shortcuts (see shared/src/imports.ts). */
export class ImportService implements ImportsApi {
  constructor(private readonly options: ImportServiceOptions) {}

  async preview(source: ImportSource): Promise<ImportPlan> {
    const { resolved, from, parsed } = await this.read(source);
    const [gateway, saved, vaultKeys] = await Promise.all([
      this.options.gateway().catch(() => undefined),
      this.options.hosts.list(),
      this.options.keys.list(),
    ]);
    const paths = [...new Set(parsed.sessions.flatMap((s) => s.keyFiles))];
    const probes = new Map<string, KeyProbe>(
      await Promise.all(paths.map(async (path) => [path, await probeKeyFile(path)] as const)),
    );
    const plan = planImport(parsed, { ...(gateway ? { gateway } : {}), saved, vaultKeys, probes });
    return { source: resolved, from, ...plan };
  }

  async apply(source: ImportSource, choice: ImportChoice): Promise<ImportReport> {
    return applyPlan(await this.preview(source), choice, this.options);
  }

  private async read(
    source: ImportSource,
  ): Promise<{ resolved: ImportSource; from: string; parsed: ParsedSessions }> {
    const { platform, home } = this.options;
    switch (source.kind) {
      case 'regFile': {
        const path = fullPath(source.path, 'the .reg file');
        const keys = parseRegFile(await readSource(path), path);
        const parsed = sessionsFromRegistry(keys);
        if (parsed.sessions.length === 0)
          throw new InvalidInput(
            `${path} holds no PuTTY or KiTTY sessions: export the key ${REGISTRY_KEYS[0]} (or KiTTY's ${REGISTRY_KEYS[1]}).`,
          );
        return { resolved: { kind: 'regFile', path }, from: path, parsed };
      }
      case 'puttySessions': {
        if (platform === 'win32')
          throw new InvalidInput(
            'PuTTY on Windows keeps its sessions in the registry: import them from the registry instead.',
          );
        const folder = fullPath(
          source.folder ?? join(home, '.putty', 'sessions'),
          'the PuTTY sessions folder',
        );
        return {
          resolved: { kind: 'puttySessions', folder },
          from: folder,
          parsed: await readPuttySessionsFolder(folder),
        };
      }
      case 'windowsRegistry': {
        if (platform !== 'win32')
          throw new InvalidInput(
            'The Windows registry is read only on Windows: there, export the sessions with regedit and import the .reg file.',
          );
        const parsed = await readWindowsRegistry(this.options.runProcess, this.options.tempDir);
        return { resolved: source, from: `the Windows registry (${REGISTRY_KEYS[0]})`, parsed };
      }
      case 'sshConfig': {
        const path = fullPath(source.path ?? join(home, '.ssh', 'config'), 'the ssh config file');
        const text = (await readSource(path)).toString('utf8');
        const parsed = sshConfigHosts(text, { home, localUser: this.options.localUser, fileLabel: path });
        return { resolved: { kind: 'sshConfig', path }, from: path, parsed };
      }
    }
  }
}

function fullPath(path: string, what: string): string {
  if (!isAbsolute(path)) throw new InvalidInput(`Give ${what} as a full path, not “${path}”.`);
  return path;
}

async function readSource(path: string): Promise<Buffer> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new LocalFileError(`${path} is not a file.`, { reason: 'notAFile' });
    if (info.size > MAX_SOURCE_BYTES) throw new LocalFileError(`${path} is too large to be a session list.`);
    return await readFile(path);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new LocalFileError(
      code === 'ENOENT' ? `There is no file ${path}.` : `Cannot read ${path}: ${(error as Error).message}`,
      { reason: code === 'ENOENT' ? 'notFound' : 'failure' },
    );
  }
}
