import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { InvalidInput, LocalFileError } from '../../../shared/src/errors.ts';
import type {
  HostDraft,
  HostsApi,
  HostsEvents,
  NodeShortcut,
  SavedHost,
  ShortcutDraft,
} from '../../../shared/src/hosts.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import { writeFileAtomic } from '../storage/atomicFile.ts';
import {
  checkedDraft,
  HostDraftSchema,
  HostsFileSchema,
  jumpChain,
  ShortcutDraftSchema,
} from './hostRules.ts';

interface HostsFile {
  version: 1;
  hosts: SavedHost[];
  shortcuts: NodeShortcut[];
}

export interface HostStoreOptions {
  dataDir: string;
  /** Whether the vault holds a key: a host that names a key the vault lacks could never sign in. */
  keyExists: (id: string) => Promise<boolean>;
}

/**
 * Plain hosts and node shortcuts in `hosts.json` in the profile (no secrets: a host names a vault
 * key by its id). Unlike the settings, an unreadable file is an error, never an empty list: saving
 * over it would lose every host the user had.
 */
export class HostStore implements HostsApi {
  readonly events = new Emitter<HostsEvents>();
  private readonly path: string;
  /** Changes one after another, each reading what the last one wrote. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: HostStoreOptions) {
    this.path = join(options.dataDir, 'hosts.json');
  }

  async list(): Promise<{ hosts: SavedHost[]; shortcuts: NodeShortcut[] }> {
    const { hosts, shortcuts } = await this.read();
    return { hosts, shortcuts };
  }

  /**
   * One saved host and the hosts it is reached through, nearest first (`jumpChain`), from one read of
   * the file; a clear error when it was removed meanwhile (in another window, say).
   */
  async withJumps(id: string): Promise<{ host: SavedHost; jumps: SavedHost[] }> {
    const { hosts } = await this.read();
    const host = hosts.find((h) => h.id === id);
    if (!host) throw hostGone(id);
    return { host, jumps: jumpChain(hosts, host) };
  }

  add(draft: HostDraft): Promise<SavedHost> {
    return this.change(async (file) => {
      const host: SavedHost = { id: `h-${randomUUID()}`, ...(await this.checked(file, draft)) };
      jumpChain(file.hosts, host);
      return [{ ...file, hosts: [...file.hosts, host] }, host];
    });
  }

  update(id: string, draft: HostDraft): Promise<SavedHost> {
    return this.change(async (file) => {
      if (!file.hosts.some((h) => h.id === id)) throw hostGone(id);
      const host: SavedHost = { id, ...(await this.checked(file, draft)) };
      const hosts = file.hosts.map((h) => (h.id === id ? host : h));
      jumpChain(hosts, host);
      return [{ ...file, hosts }, host];
    });
  }

  remove(id: string): Promise<void> {
    return this.change((file) => {
      const through = file.hosts.filter((h) => h.jumpHostId === id);
      if (through.length > 0)
        throw new InvalidInput(
          `Other hosts are reached through this one (${through.map((h) => `“${h.name}”`).join(', ')}): ` +
            'choose another jump host for them first.',
          { id },
        );
      const hosts = file.hosts.filter((h) => h.id !== id);
      const shortcuts = file.shortcuts.filter((s) => s.id !== id);
      if (hosts.length === file.hosts.length && shortcuts.length === file.shortcuts.length)
        throw new InvalidInput('Nothing saved has this id any more.', { id });
      return Promise.resolve([{ ...file, hosts, shortcuts }, undefined]);
    });
  }

  addShortcut(draft: ShortcutDraft): Promise<NodeShortcut> {
    return this.change((file) => {
      const checked = checkedDraft(ShortcutDraftSchema, draft, 'shortcut');
      const shortcut: NodeShortcut = { id: `s-${randomUUID()}`, ...withoutUndefined(checked) };
      return Promise.resolve([{ ...file, shortcuts: [...file.shortcuts, shortcut] }, shortcut]);
    });
  }

  private async checked(file: HostsFile, draft: HostDraft): Promise<HostDraft> {
    const checked = withoutUndefined(checkedDraft(HostDraftSchema, draft, 'host'));
    if (checked.auth.kind === 'key' && !(await this.options.keyExists(checked.auth.keyId)))
      throw new InvalidInput(
        'The key chosen for this host is not in the vault: choose another key or the agent.',
        {
          field: 'auth.keyId',
        },
      );
    if (checked.jumpHostId !== undefined && !file.hosts.some((h) => h.id === checked.jumpHostId))
      throw new InvalidInput('The jump host is not saved any more: choose another one.', {
        field: 'jumpHostId',
      });
    return checked;
  }

  private change<T>(apply: (file: HostsFile) => Promise<[HostsFile, T]>): Promise<T> {
    const run = this.queue.then(async () => {
      const [next, result] = await apply(await this.read());
      await writeFileAtomic(this.path, JSON.stringify(next, null, 2) + '\n', 0o600);
      this.events.emit('changed', { hosts: next.hosts, shortcuts: next.shortcuts });
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(): Promise<HostsFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, hosts: [], shortcuts: [] };
      throw new LocalFileError(`Cannot read the saved hosts (${this.path}): ${(error as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = v.safeParse(HostsFileSchema, parsed);
    if (!result.success)
      throw new LocalFileError(
        `The saved hosts file ${this.path} is damaged, so it is left as it is: ` +
          'repair it or move it away to start with no saved hosts.',
      );
    return result.output as HostsFile;
  }
}

const hostGone = (id: string) =>
  new InvalidInput('This host is not saved any more: add it again under Hosts.', { id });

/** valibot's optional fields come back as `undefined`; the file and the page get them left out. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
