import { connectionKey, type ConnectionTarget } from '../../../shared/src/connections.ts';
import type { FilesApi } from '../../../shared/src/files.ts';
import type { SftpProvider } from './SftpProvider.ts';
import { RemoteFiles } from './RemoteFiles.ts';

/** The file browser over RPC: one {@link RemoteFiles} per node, each asking for its SFTP channel afresh. */
export class FilesService implements FilesApi {
  private readonly byTarget = new Map<string, RemoteFiles>();

  constructor(private readonly provider: SftpProvider) {}

  private files(target: ConnectionTarget): RemoteFiles {
    const key = connectionKey(target);
    let files = this.byTarget.get(key);
    if (!files) this.byTarget.set(key, (files = new RemoteFiles(() => this.provider.sftp(target))));
    return files;
  }

  list: FilesApi['list'] = (target, ...args) => this.files(target).list(...args);
  stat: FilesApi['stat'] = (target, ...args) => this.files(target).stat(...args);
  mkdir: FilesApi['mkdir'] = (target, ...args) => this.files(target).mkdir(...args);
  rename: FilesApi['rename'] = (target, ...args) => this.files(target).rename(...args);
  remove: FilesApi['remove'] = (target, ...args) => this.files(target).remove(...args);
  chmod: FilesApi['chmod'] = (target, ...args) => this.files(target).chmod(...args);
  readText: FilesApi['readText'] = (target, ...args) => this.files(target).readText(...args);
  writeText: FilesApi['writeText'] = (target, ...args) => this.files(target).writeText(...args);
  home: FilesApi['home'] = (target) => this.files(target).home();
  realpath: FilesApi['realpath'] = (target, ...args) => this.files(target).realpath(...args);
}
