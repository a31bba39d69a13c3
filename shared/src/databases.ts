import type { ConnectionTarget } from './connections.ts';
import type { EventSource } from './rpc/Emitter.ts';
import { methodList } from './rpc/methods.ts';
import type { CallOptions } from './rpc/protocol.ts';

export type DatabaseEngine = 'mysql' | 'postgresql';

export interface DatabaseCredentials {
  database: string;
  user: string;
  password: string;
}

export interface SqlImportRequest {
  target: ConnectionTarget;
  nodeType: string;
  /** A local `.sql` or `.sql.gz` file. */
  file: string;
  credentials: DatabaseCredentials;
}

export interface SqlExportRequest {
  target: ConnectionTarget;
  nodeType: string;
  /** Where the dump goes; written under a temporary name and renamed when complete. */
  file: string;
  gzip: boolean;
  credentials: DatabaseCredentials;
}

export interface SqlProgress {
  id: string;
  bytes: number;
  /** Bytes of the local file for imports; unknown (0) for exports. */
  total: number;
  rate: number;
}

export interface SqlResult {
  durationMs: number;
  bytes: number;
}

export interface DatabaseEvents {
  progress: SqlProgress;
}

export interface DatabasesApi {
  readonly events: EventSource<DatabaseEvents>;
  importSql(request: SqlImportRequest, options?: CallOptions): Promise<SqlResult>;
  exportSql(request: SqlExportRequest, options?: CallOptions): Promise<SqlResult>;
  savedCredentials(nodeKey: string): Promise<DatabaseCredentials | null>;
  saveCredentials(nodeKey: string, credentials: DatabaseCredentials): Promise<void>;
}

export const DATABASES_METHODS = methodList<DatabasesApi>()([
  'importSql',
  'exportSql',
  'savedCredentials',
  'saveCredentials',
]);
