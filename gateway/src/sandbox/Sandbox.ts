import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createPlatformApi } from '../api/PlatformApi.ts';
import { pacedLifecycle } from '../api/EnvironmentLifecycle.ts';
import type { KeyApi } from '../api/routes/sshKeys.ts';
import { ensureKeyFile } from '../keys/keyFiles.ts';
import type { GatewayOptions } from '../ssh/GatewayOptions.ts';
import { startSandboxGateway, type RunningSandboxGateway } from '../ssh/sandboxGateway.ts';
import { SqliteStore } from '../store/SqliteStore.ts';
import type { Store } from '../store/Store.ts';
import { EnvironmentStatus, type EnvironmentRecord, type NodeRecord, type User } from '../store/types.ts';
import { ChildProcesses } from './ChildProcesses.ts';
import { DEMO_USERS } from './demoData.ts';
import { readyObject, type SandboxReady } from './readyLine.ts';
import { canHandOnListeners } from './nodeNetwork.ts';
import { canIsolateNodes, SandboxNodes } from './SandboxNodes.ts';
import { seedDemoData } from './seed.ts';
import { checkSandboxHost } from './network.ts';
import { checkSandboxPlatform } from './platformCheck.ts';
import { SystemTools } from './systemTools.ts';
import { createExtraEnvironment, createExtraUser, type ExtraEnvironment, type ExtraUser } from './tenants.ts';

export interface SandboxOptions {
  /** The data folder; a fresh temp folder (removed on stop unless `keep`) when absent. */
  dataDir?: string;
  keep?: boolean;
  /** 0 picks a free port. */
  apiPort?: number;
  /** The SSH gateway's port; no gateway is started when absent. 0 picks a free port. */
  gatewayPort?: number;
  /** The gateway's limits and key policy (e.g. `keyTypes`); the real service's defaults otherwise. */
  gatewayOptions?: Partial<GatewayOptions>;
  /** The address the API and gateway listen on: loopback unless `exposeOnNetwork` is also set. */
  host?: string;
  /** Serve on a non-loopback `host` although the demo accounts' passwords are published. */
  exposeOnNetwork?: boolean;
  tools?: SystemTools;
  /** The OS the sandbox runs on; the running one by default (tests pass others). */
  platform?: NodeJS.Platform;
  /**
   * Where the API serves the SSH key methods: `both` (default), or only `users` (users/account, as
   * older installs) or `management` (management/account); the other path answers "unknown method".
   */
  keyApi?: KeyApi;
  /**
   * Nodes in namespaces of their own with the service's user (the default when root on Linux), or
   * sharing the host's filesystem as the sandbox's user (`false`; any other user always does).
   */
  isolated?: boolean;
  /**
   * How much longer each start, stop or sleep through the API takes (the environment shows as
   * Launching / Stopping meanwhile); 0 by default, for tests. The app's hosts ask for a little, so
   * the progress a real platform's minute-long changes need is seen in the sandbox too.
   */
  environmentChangeMs?: number;
}

export type {
  SandboxGatewayInfo,
  SandboxReady,
  SandboxReadyDatabase,
  SandboxReadyToken,
  SandboxReadyUser,
} from './readyLine.ts';

/**
 * What the app's hosts (`start:web --sandbox`, the desktop's, `enscale-gateway sandbox`) add to each
 * environment change: enough to see the progress a real platform's minute-long change shows.
 */
export const SANDBOX_ENVIRONMENT_CHANGE_MS = 2000;

// sshd's configuration cannot reliably hold paths with spaces or quotes.
const SAFE_PATH = /^[A-Za-z0-9_./+@:-]+$/;

/**
 * The platform in miniature: store, platform API, demo environments whose nodes are real
 * OpenSSH servers, the private MariaDB behind the database node, and (when asked) the gateway.
 */
export class Sandbox {
  private constructor(
    readonly dataDir: string,
    readonly store: Store,
    readonly nodes: SandboxNodes,
    readonly children: ChildProcesses,
    private readonly api: FastifyInstance,
    private readonly apiLog: WriteStream,
    private readonly gateway: RunningSandboxGateway | undefined,
    readonly ready: SandboxReady,
    readonly nodeAccessKeyPath: string,
    private readonly removeOnStop: boolean,
  ) {}

  static async start(options: SandboxOptions = {}): Promise<Sandbox> {
    checkSandboxPlatform(options.platform);
    const host = options.host ?? '127.0.0.1';
    checkSandboxHost(host, options.exposeOnNetwork);
    const tools = options.tools ?? new SystemTools();
    const isolated = options.isolated !== false && canIsolateNodes();
    // Fail before starting anything when a server program is missing.
    tools.requireAll([
      ...(['sshd', 'sshKeygen', 'sftpServer', 'mariadbd', 'mariadbInstallDb', 'mariadb'] as const),
      ...(['initdb', 'postgres', 'pgIsReady', 'psql'] as const),
      ...(isolated ? (['unshare', 'setpriv', 'busybox', 'socat'] as const) : []),
    ]);

    const created = !options.dataDir;
    const dataDir = options.dataDir
      ? resolve(options.dataDir)
      : await mkdtemp(join(tmpdir(), 'enscale-sandbox-'));
    if (!SAFE_PATH.test(dataDir)) {
      throw new Error(`The data folder path may hold only letters, digits and ./_+@:- (got ${dataDir}).`);
    }
    const logsDir = join(dataDir, 'logs');
    await mkdir(logsDir, { recursive: true, mode: 0o700 });
    await mkdir(join(dataDir, 'gateway'), { recursive: true, mode: 0o700 });

    const children = new ChildProcesses();
    const store = new SqliteStore(join(dataDir, 'platform.db'));
    // Password hashes and keys: the owner's only, whatever the umask.
    await chmod(join(dataDir, 'platform.db'), 0o600);
    const apiLog = createWriteStream(join(logsDir, 'api.log'), { flags: 'a', mode: 0o600 });
    let nodes: SandboxNodes | undefined;
    let api: FastifyInstance | undefined;
    let gateway: RunningSandboxGateway | undefined;
    try {
      await seedDemoData(store);
      const { privatePath, publicKey } = await nodeAccessKey(tools, join(dataDir, 'gateway'));
      nodes = new SandboxNodes({
        store,
        dataDir,
        logsDir,
        authorizedKey: publicKey,
        children,
        tools,
        isolated,
        handsOnListeners: await canHandOnListeners(),
      });
      await startRunningEnvironments(store, nodes);

      api = await createPlatformApi({
        store,
        lifecycle: pacedLifecycle(nodes, options.environmentChangeMs ?? 0),
        logStream: apiLog,
        ...(options.keyApi ? { keyApi: options.keyApi } : {}),
      });
      await api.listen({ port: options.apiPort ?? 0, host });
      const address = api.server.address();
      const apiPort = typeof address === 'object' && address ? address.port : 0;

      if (options.gatewayPort !== undefined) {
        gateway = await startSandboxGateway(store, {
          dataDir,
          host,
          port: options.gatewayPort,
          nodeAccessKeyPath: privatePath,
          ...(options.gatewayOptions ? { options: options.gatewayOptions } : {}),
        });
      }

      const ready = await readyObject(
        store,
        nodes,
        `http://${host}:${apiPort}`,
        gateway?.info ?? null,
        dataDir,
      );
      await writeFile(join(dataDir, 'ready.json'), JSON.stringify(ready, null, 2) + '\n', { mode: 0o600 });
      return new Sandbox(
        dataDir,
        store,
        nodes,
        children,
        api,
        apiLog,
        gateway,
        ready,
        privatePath,
        created && !options.keep,
      );
    } catch (error) {
      await gateway?.close();
      await api?.close();
      await nodes?.stopAll();
      await children.stopAll();
      await store.close();
      apiLog.end();
      if (created && !options.keep) await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Adds a user beside the demo ones (tests that need a third tenant). Not in the ready line; a kept
   * data folder keeps the user, see docs/sandbox.md, "Extra tenants".
   */
  async addUser(user: ExtraUser): Promise<User> {
    return createExtraUser(this.store, user);
  }

  /**
   * Adds an environment with its nodes for an existing user; a running one has its nodes started
   * (real sshd, like the demo nodes, TCP forwarding off as on the platform) before this resolves.
   */
  async addEnvironment(
    env: ExtraEnvironment,
  ): Promise<{ environment: EnvironmentRecord; nodes: NodeRecord[] }> {
    const created = await createExtraEnvironment(this.store, env);
    if (env.status === EnvironmentStatus.Running) await this.nodes.start(env.envName);
    return created;
  }

  /** Process ids of the sandbox's servers (sshd per running node, mariadbd). */
  pids(): number[] {
    return this.children.pids();
  }

  async stop(): Promise<void> {
    // The gateway first, so its node connections end before the nodes do.
    await this.gateway?.close();
    await this.api.close();
    await this.nodes.stopAll();
    await this.children.stopAll();
    await this.store.close();
    await new Promise<void>((done) => this.apiLog.end(done));
    if (this.removeOnStop) await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** The key the gateway logs in to nodes with; every node's sshd accepts it and nothing else. */
async function nodeAccessKey(
  tools: SystemTools,
  dir: string,
): Promise<{ privatePath: string; publicKey: string }> {
  const privatePath = join(dir, 'node_access_ed25519');
  const { publicKey } = await ensureKeyFile(tools.path('sshKeygen'), privatePath, 'ed25519', {
    comment: 'enscale-gateway-node-access',
  });
  return { privatePath, publicKey };
}

/** Nodes run exactly while their environment does; a kept data folder restarts the running ones. */
async function startRunningEnvironments(store: Store, nodes: SandboxNodes): Promise<void> {
  const envs = (await Promise.all(DEMO_USERS.map((user) => store.listEnvironments(user.uid)))).flat();
  const transitional: number[] = [
    EnvironmentStatus.Launching,
    EnvironmentStatus.Stopping,
    EnvironmentStatus.GoingToSleep,
  ];
  for (const env of envs) {
    for (const node of await store.listNodes(env.envName)) await store.setNodeAccess(node.id, null);
    // A sandbox killed mid-transition leaves an environment half-way; call it stopped.
    if (transitional.includes(env.status))
      await store.setEnvironmentStatus(env.envName, EnvironmentStatus.Down);
  }
  // Settled first, so no environment is still starting when a failed start cleans up (SandboxNodes.start).
  const results = await Promise.allSettled(
    envs.filter((env) => env.status === EnvironmentStatus.Running).map((env) => nodes.start(env.envName)),
  );
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}
