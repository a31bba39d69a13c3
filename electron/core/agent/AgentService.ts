import { chmod, unlink } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { ParsedKey } from 'ssh2';
import { ssh2 } from '../ssh/ssh2Module.ts';
import type { AgentClient } from '../../../shared/src/agent.ts';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import { clientProcess } from './clientProcess.ts';
import { isNamedPipe } from './agentSocketPath.ts';
import { AgentFramer } from './agentFramer.ts';
import { clearStaleSocket, listenError, prepareSocketFolder } from './socketFile.ts';

/** What the agent asks the user before a signature, when `shouldConfirm()` says to. */
export interface AgentSignRequest {
  keyName: string;
  fingerprint: string;
  client?: AgentClient;
}

export interface AgentServiceOptions {
  /** The vault: its keys are listed and sign; nothing is ever added to or removed from it here. */
  vault: { list(): Promise<KeyInfo[]>; privateKeyFor(id: string): Promise<Buffer> };
  /** From `agentSocketPath()`. */
  socketPath: string;
  /**
   * Resolves true to sign; false (or a failure) refuses the signature. `signal` aborts when the
   * client hangs up meanwhile: the question can go.
   */
  confirm: (request: AgentSignRequest, signal: AbortSignal) => Promise<boolean>;
  /** Read for each signature, so a changed setting applies to the next one. */
  shouldConfirm: () => boolean;
  /** Injected for tests of the Windows and macOS paths; `process.platform` otherwise. */
  platform?: NodeJS.Platform;
  /** The peer's process; `clientProcess()` (Linux) by default. */
  clientOf?: (socket: Socket) => Promise<AgentClient | undefined>;
  logger?: (line: string) => void;
}

interface Listed {
  info: KeyInfo;
  blob: Buffer;
}

/**
 * The OpenSSH agent protocol on a socket of the app's (ssh2's AgentProtocol in its server role):
 * REQUEST_IDENTITIES lists the vault's keys, SIGN_REQUEST signs with one of them (honouring the
 * rsa-sha2-256/512 flags), and every other request — ADD_IDENTITY, REMOVE_ALL, LOCK, smartcards,
 * extensions — is answered SSH_AGENT_FAILURE, so no client can put a key in the vault or take one
 * out. Private keys are read from the vault for each signature and never written anywhere.
 */
export class AgentService {
  readonly #options: AgentServiceOptions;
  readonly #platform: NodeJS.Platform;
  #server: Server | undefined;
  readonly #clients = new Set<Socket>();

  constructor(options: AgentServiceOptions) {
    this.#options = options;
    this.#platform = options.platform ?? process.platform;
  }

  get socketPath(): string {
    return this.#options.socketPath;
  }

  get running(): boolean {
    return this.#server !== undefined;
  }

  /**
   * Listens on the socket. A socket file a crashed run left behind is removed first; one another
   * agent answers on, or the Windows pipe held by OpenSSH's own agent service, is an error saying so.
   */
  async start(): Promise<void> {
    if (this.#server) return;
    const path = this.socketPath;
    const pipe = isNamedPipe(path);
    if (!pipe) {
      await prepareSocketFolder(path);
      await clearStaleSocket(path);
    }
    const server = createServer((socket) => this.#serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(listenError(error, path, this.#platform)));
      server.listen(path, () => resolve());
    });
    server.on('error', (error) => this.#log(`agent: ${error.message}`));
    this.#server = server;
    // The folder is already 0700, so nobody else could reach the socket in the moment before this.
    if (!pipe) await chmod(path, 0o600);
  }

  /** Stops listening, drops the clients and removes the socket file. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    for (const client of this.#clients) client.destroy();
    this.#clients.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (!isNamedPipe(this.socketPath)) await unlink(this.socketPath).catch(() => undefined);
  }

  /** For a process that is exiting and cannot wait: the socket file goes at once. */
  stopNow(): void {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    for (const client of this.#clients) client.destroy();
    server.close();
    if (!isNamedPipe(this.socketPath)) {
      try {
        unlinkSync(this.socketPath);
      } catch {
        // Already gone.
      }
    }
  }

  #serve(socket: Socket): void {
    this.#clients.add(socket);
    const protocol = new (ssh2().AgentProtocol)(false);
    const framer = new AgentFramer();
    let open = true;
    const end = () => {
      if (!open) return;
      open = false;
      this.#clients.delete(socket);
      socket.destroy();
      protocol.destroy();
    };
    socket.on('data', (chunk: Buffer) => {
      // A message longer than any real one would only fill memory: the client is dropped.
      const messages = framer.push(chunk);
      if (!messages) return end();
      for (const message of messages) protocol.write(message);
    });
    protocol.on('data', (reply: Buffer) => {
      if (open) socket.write(reply);
    });
    socket.on('close', end);
    socket.on('error', end);
    protocol.on('error', end);
    // Aborted when the client hangs up, so a question waiting for the user is withdrawn.
    const gone = new AbortController();
    socket.once('close', () => gone.abort());
    protocol.on('identities', (request) => {
      this.#identities()
        .then((keys) => open && protocol.getIdentitiesReply(request, keys))
        .catch((error: unknown) => {
          this.#log(`agent: listing keys failed: ${String(error)}`);
          if (open) protocol.failureReply(request);
        });
    });
    protocol.on('sign', (request, key, data, options) => {
      this.#sign(socket, gone.signal, key, data, options.hash)
        .then((signature) => {
          if (!open) return;
          if (signature) protocol.signReply(request, signature);
          else protocol.failureReply(request);
        })
        .catch((error: unknown) => {
          this.#log(`agent: signing failed: ${String(error)}`);
          if (open) protocol.failureReply(request);
        });
    });
  }

  async #listed(): Promise<Listed[]> {
    const listed: Listed[] = [];
    for (const info of await this.#options.vault.list()) {
      const parsed = ssh2().utils.parseKey(info.publicKey);
      if (parsed instanceof Error) continue;
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      if (key) listed.push({ info, blob: key.getPublicSSH() });
    }
    return listed;
  }

  async #identities(): Promise<ParsedKey[]> {
    const keys: ParsedKey[] = [];
    for (const { info } of await this.#listed()) {
      // The key's name as its comment, as `ssh-add -l` shows it.
      const parsed = ssh2().utils.parseKey(`${info.publicKey.split(' ').slice(0, 2).join(' ')} ${info.name}`);
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      if (key && !(key instanceof Error)) keys.push(key);
    }
    return keys;
  }

  /** The signature, or undefined to refuse (not our key, or the user said no). */
  async #sign(
    socket: Socket,
    gone: AbortSignal,
    key: ParsedKey,
    data: Buffer,
    hash: string | undefined,
  ): Promise<Buffer | undefined> {
    const wanted = key.getPublicSSH();
    const entry = (await this.#listed()).find(({ blob }) => blob.equals(wanted));
    if (!entry) return undefined;
    if (this.#options.shouldConfirm()) {
      const client = await (this.#options.clientOf ?? ((s: Socket) => clientProcess(s, this.#platform)))(
        socket,
      ).catch(() => undefined);
      const request: AgentSignRequest = {
        keyName: entry.info.name,
        fingerprint: entry.info.fingerprints.sha256,
        ...(client ? { client } : {}),
      };
      if (gone.aborted) return undefined;
      const allowed = await this.#options.confirm(request, gone);
      if (!allowed) {
        this.#log(`agent: signature with ${entry.info.name} refused`);
        return undefined;
      }
    }
    const secret = await this.#options.vault.privateKeyFor(entry.info.id);
    try {
      const parsed = ssh2().utils.parseKey(secret);
      const privateKey = Array.isArray(parsed) ? parsed[0] : parsed;
      if (!privateKey || privateKey instanceof Error) return undefined;
      // RSA: SHA-1 unless the client asked for rsa-sha2-256/512 (ssh2 put the wish in `hash`).
      const signature = privateKey.sign(data, hash);
      return signature instanceof Error ? undefined : signature;
    } finally {
      secret.fill(0);
    }
  }

  #log(line: string): void {
    this.#options.logger?.(line);
  }
}
