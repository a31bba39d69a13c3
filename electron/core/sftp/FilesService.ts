import { connectionKey, type ConnectionTarget } from '../../../shared/src/connections.ts';
import type { RemoteFilesService } from '../../../shared/src/files.ts';
import type { SftpProvider } from './SftpProvider.ts';
import { RemoteFiles } from './RemoteFiles.ts';

/** The file browser over RPC: one {@link RemoteFiles} per node, each asking for its SFTP channel afresh. */
export class FilesService implements RemoteFilesService {
  private readonly byTarget = new Map<string, RemoteFiles>();

  constructor(private readonly provider: SftpProvider) {}

  private files(target: ConnectionTarget): RemoteFiles {
    const key = connectionKey(target);
    let files = this.byTarget.get(key);
    if (!files) this.byTarget.set(key, (files = new RemoteFiles(() => this.provider.sftp(target))));
    return files;
  }

  list: RemoteFilesService['list'] = (target, ...args) => this.files(target).list(...args);
  stat: RemoteFilesService['stat'] = (target, ...args) => this.files(target).stat(...args);
  mkdir: RemoteFilesService['mkdir'] = (target, ...args) => this.files(target).mkdir(...args);
  rename: RemoteFilesService['rename'] = (target, ...args) => this.files(target).rename(...args);
  remove: RemoteFilesService['remove'] = (target, ...args) => this.files(target).remove(...args);
  chmod: RemoteFilesService['chmod'] = (target, ...args) => this.files(target).chmod(...args);
  readText: RemoteFilesService['readText'] = (target, ...args) => this.files(target).readText(...args);
  writeText: RemoteFilesService['writeText'] = (target, ...args) => this.files(target).writeText(...args);
  home: RemoteFilesService['home'] = (target) => this.files(target).home();
  realpath: RemoteFilesService['realpath'] = (target, ...args) => this.files(target).realpath(...args);
}
