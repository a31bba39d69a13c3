import type { DatabasesApi } from '../../../shared/src/databases.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { blankLines, planPsqlImport } from './psqlMetaCommands.ts';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { ClientChannel } from 'ssh2';
import type {
  DatabaseCredentials,
  DatabaseEvents,
  SqlExportRequest,
  SqlImportRequest,
  SqlResult,
} from '../../../shared/src/databases.ts';
import { Cancelled, InvalidInput, SqlFailed } from '../../../shared/src/errors.ts';
import type { CallOptions } from '../../../shared/src/rpc/protocol.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type { SecretStore } from '../keys/secretStore.ts';
import type { GatewayConnections } from '../ssh/GatewayConnections.ts';
import { requireAbsoluteLocalPath } from '../transfers/absoluteLocalPath.ts';
import type { LocalPlatform } from '../transfers/localNames.ts';
import { engineFor, exportCommand, failedLine, importCommand, optionFile } from './remoteCommands.ts';

export interface DatabaseServiceOptions {
  connections: GatewayConnections;
  secrets: SecretStore;
  keychainService?: string;
  /** Whose path syntax the SQL file's path is checked by; the running one by default. */
  platform?: LocalPlatform;
}

const PROGRESS_INTERVAL_MS = 100;
const STDERR_LIMIT = 64 * 1024;

/** Keeps the last `limit` bytes of a stream's text: enough for the server's error, never unbounded. */
function tail(limit: number): { push(data: Buffer): void; text(): string } {
  let text = '';
  return {
    push: (data) => {
      text = (text + data.toString('utf8')).slice(-limit);
    },
    text: () => text.trim(),
  };
}

/**
 * The client lost its server mid-way: mysql's CR_CONNECTION_ERROR (2002), CR_CONN_HOST_ERROR (2003),
 * CR_SERVER_GONE_ERROR (2006), CR_SERVER_LOST (2013), CR_SERVER_LOST_EXTENDED (2055), or psql's words.
 */
function connectionLost(message: string): boolean {
  return /ERROR 20(?:02|03|06|13|55)\b|server closed the connection|connection to server (?:was lost|.*failed)|terminating connection/i.test(
    message,
  );
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * SQL import and export on database nodes, streamed through the gateway: the dump never sits
 * whole in memory or on the node's disk, the password travels only inside stdin to a private
 * option file, and the server's own error (with its line) is what the user sees.
 */
export class DatabaseService implements DatabasesApi {
  readonly events = new Emitter<DatabaseEvents>();
  private readonly keychainService: string;

  constructor(private readonly options: DatabaseServiceOptions) {
    this.keychainService = options.keychainService ?? 'Enscale SSH';
  }

  /** Credentials remembered for a node (keychain), e.g. to prefill the import dialog. */
  async savedCredentials(nodeKey: string): Promise<DatabaseCredentials | null> {
    const stored = await this.options.secrets.get(this.keychainService, `db:${nodeKey}`);
    return stored ? (JSON.parse(stored) as DatabaseCredentials) : null;
  }

  async saveCredentials(nodeKey: string, credentials: DatabaseCredentials): Promise<void> {
    await this.options.secrets.set(this.keychainService, `db:${nodeKey}`, JSON.stringify(credentials));
  }

  async importSql(
    request: SqlImportRequest,
    options: CallOptions & { id?: string } = {},
  ): Promise<SqlResult> {
    const engine = engineFor(request.nodeType);
    requireAbsoluteLocalPath(request.file, 'The SQL file to import', this.options.platform);
    const size = await stat(request.file).then(
      (s) => s.size,
      () => {
        throw new InvalidInput(`Cannot read ${request.file}.`);
      },
    );
    const id = options.id ?? randomUUID();
    const started = Date.now();
    const secret = Buffer.from(optionFile(engine, request.credentials));
    const compressed = await isGzip(request.file);
    // mysql reads a dump with --binary-mode, which runs no client commands; psql has no such switch:
    // a PostgreSQL dump is scanned whole before a byte is sent, and psql restricted where it can be.
    const plan = engine === 'postgresql' ? await planPsqlImport(request.file, compressed) : undefined;
    const restrictKey = engine === 'postgresql' ? randomBytes(24).toString('hex') : '';
    return this.run(
      request,
      importCommand(engine, request.credentials, secret.length, restrictKey),
      options,
      async (channel) => {
        // Nothing on stdout matters for an import, but it must be read or the channel never ends.
        channel.resume();
        channel.write(secret);
        const source = createReadStream(request.file, { highWaterMark: 256 * 1024 });
        let bytes = 0;
        let last = 0;
        source.on('data', (chunk) => {
          bytes += chunk.length;
          const now = Date.now();
          if (now - last >= PROGRESS_INTERVAL_MS || bytes === size) {
            last = now;
            this.events.emit('progress', {
              id,
              bytes,
              total: size,
              rate: bytes / Math.max(1, (now - started) / 1000),
            });
          }
        });
        const stages: NodeJS.ReadWriteStream[] = [];
        if (compressed) stages.push(createGunzip());
        if (plan?.blankLines.length) stages.push(blankLines(plan.blankLines));
        await pipeline([source, ...stages, channel]);
        return { bytes: size, durationMs: 0 };
      },
    ).then((result) => ({ ...result, durationMs: Date.now() - started }));
  }

  async exportSql(
    request: SqlExportRequest,
    options: CallOptions & { id?: string } = {},
  ): Promise<SqlResult> {
    const engine = engineFor(request.nodeType);
    requireAbsoluteLocalPath(request.file, 'The file to export to', this.options.platform);
    const id = options.id ?? randomUUID();
    const started = Date.now();
    const secret = Buffer.from(optionFile(engine, request.credentials));
    // A fresh random name, created exclusively (O_CREAT|O_EXCL): a symlink or file planted at a
    // predictable partial name in a shared folder cannot redirect the dump, since 'wx' fails on any
    // existing path, symlinks included, instead of following it. Opened before the node is asked,
    // so an unwritable folder fails fast.
    const partial = join(
      dirname(request.file),
      `.${basename(request.file)}.${randomBytes(6).toString('hex')}.enscale-part`,
    );
    const handle = await open(partial, 'wx', 0o600);
    let bytes = 0;
    try {
      await this.run(
        request,
        exportCommand(engine, request.credentials, secret.length),
        options,
        async (channel) => {
          channel.end(secret);
          let last = 0;
          channel.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            const now = Date.now();
            if (now - last >= PROGRESS_INTERVAL_MS) {
              last = now;
              this.events.emit('progress', {
                id,
                bytes,
                total: 0,
                rate: bytes / Math.max(1, (now - started) / 1000),
              });
            }
          });
          const out = handle.createWriteStream();
          await (request.gzip ? pipeline(channel, createGzip(), out) : pipeline(channel, out));
          return { bytes, durationMs: 0 };
        },
      );
      await rename(partial, request.file);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(partial, { force: true });
      throw error;
    }
    this.events.emit('progress', { id, bytes, total: bytes, rate: 0 });
    return { bytes, durationMs: Date.now() - started };
  }

  /** Opens the exec channel, feeds it, and turns a non-zero exit into the server's message. */
  private async run(
    request: SqlImportRequest | SqlExportRequest,
    command: string,
    options: CallOptions,
    feed: (channel: ClientChannel) => Promise<SqlResult>,
  ): Promise<SqlResult> {
    if (options.signal?.aborted) throw new Cancelled('Cancelled.');
    const release = this.options.connections.retain(request.target);
    try {
      const client = await this.options.connections.client(request.target);
      const channel = await new Promise<ClientChannel>((resolve, reject) =>
        client.exec(command, (error, stream) => (error ? reject(error) : resolve(stream))),
      );
      const stderr = tail(STDERR_LIMIT);
      channel.stderr.on('data', (data: Buffer) => stderr.push(data));
      const exit = new Promise<number | null>((resolve) => {
        let code: number | null = null;
        channel.on('exit', (exitCode: number | null) => (code = exitCode));
        channel.once('close', () => resolve(code));
      });
      const abort = () => channel.close();
      options.signal?.addEventListener('abort', abort, { once: true });
      try {
        const fed = await feed(channel).catch((error: unknown) => {
          // A closed channel breaks the pipe; the exit status and stderr say why.
          if (options.signal?.aborted) throw new Cancelled('Cancelled.');
          return { error };
        });
        const code = await exit;
        if (options.signal?.aborted) throw new Cancelled('The SQL transfer was cancelled.');
        if (code !== 0 || 'error' in fed) throw this.failure(code, stderr.text(), fed);
        return fed;
      } finally {
        options.signal?.removeEventListener('abort', abort);
      }
    } finally {
      release();
    }
  }

  private failure(code: number | null, stderr: string, fed: SqlResult | { error: unknown }): SqlFailed {
    const line = failedLine(stderr);
    // mysql --batch echoes the failing statement between dashed lines; the ERROR line is the news.
    const lines = stderr
      .split('\n')
      .filter((l) => l.trim() && !/Using a password|Deprecated program name|^-+$/.test(l));
    const errors = lines.filter((l) => /^ERROR|\bERROR:|FATAL:/.test(l));
    const server = (errors.length ? errors : lines).join('\n');
    // A statement the server refused was not applied; one that was running when the connection went
    // (server stopped, killed, restarted) may have been committed just before — nobody can tell.
    const lineOutcome = connectionLost(server) ? 'unknown' : 'failed';
    const where = !line
      ? ''
      : lineOutcome === 'failed'
        ? ` at line ${line}; the statements before it were applied`
        : ` at line ${line}; the statements before it were applied, and the one at line ${line} may or may not have been applied (the connection to the database was lost while it ran)`;
    const reason =
      server ||
      ('error' in fed && fed.error instanceof Error
        ? fed.error.message
        : `the command ended with status ${code}`);
    return new SqlFailed(`The database stopped the transfer${where}: ${reason}`, {
      ...(line ? { line, appliedThroughLine: line - 1, lineOutcome } : {}),
      exitCode: code,
      serverMessage: server,
    });
  }
}
