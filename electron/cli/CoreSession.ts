import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { AgentRun } from '../core/agent/AgentControl.ts';
import { Core } from '../core/Core.ts';
import { scriptSecrets } from '../core/keys/keychainFallback.ts';
import { KeyVault } from '../core/keys/KeyVault.ts';
import { KeytarSecretStore } from '../core/keys/secretStore.ts';
import type { Identity } from './identity.ts';
import { createCoreClient, type CoreContract } from '../../shared/src/contract.ts';
import { messagePortChannel, type MessagePortLike } from '../../shared/src/rpc/messagePortChannel.ts';
import { RpcHost } from '../../shared/src/rpc/RpcHost.ts';
import type { RpcClient } from '../../shared/src/rpc/RpcClient.ts';

export interface CoreSessionOptions {
  dataDir: string;
  /** The keychain's service name; tests pass their own so they never touch a user's entries. */
  keychainService?: string;
  /** Keys from `--identity`: the gateway is offered these, not the vault's. */
  identities?: readonly Identity[];
  /** `ENSCALE_SSH_TOKEN`: signs this run in without storing anything. */
  environmentToken?: string;
  /** `enscale-ssh agent`: the core serves the SSH agent socket while the command runs. */
  agent?: AgentRun;
}

/**
 * The core in this process, reached only through the RPC, as the windows reach it: an RpcHost on one
 * end of a MessageChannel, the typed client on the other. The CLI therefore uses exactly the
 * contract the UI uses, and nothing behind it.
 */
export class CoreSession {
  readonly api: CoreContract;
  private readonly core: Core;
  private readonly host: RpcHost;
  private readonly client: RpcClient;
  private readonly ports: MessagePort[];

  constructor(options: CoreSessionOptions) {
    const { identities = [], environmentToken } = options;
    const service = options.keychainService ?? KeyVault.DEFAULT_SERVICE;
    // A script that brings its own key or token needs no keychain: with none reachable (a build
    // server), reads find nothing and nothing is written anywhere. Otherwise the keychain, as always.
    const scripted = identities.length > 0 || environmentToken !== undefined;
    // Nobody can answer a host-key question here: unknown keys fail with what to pin.
    this.core = new Core({
      dataDir: options.dataDir,
      interactive: false,
      keychainService: service,
      ...(scripted ? { secrets: scriptSecrets(new KeytarSecretStore(), service) } : {}),
      ...(identities.length > 0 ? { identities } : {}),
      ...(environmentToken !== undefined ? { environmentToken } : {}),
      ...(options.agent ? { agent: options.agent } : {}),
    });
    const { port1, port2 } = new MessageChannel();
    this.ports = [port1, port2];
    this.host = new RpcHost(messagePortChannel(port1 as unknown as MessagePortLike), this.core.exposed());
    const { client, core } = createCoreClient(messagePortChannel(port2 as unknown as MessagePortLike));
    this.client = client;
    this.api = core;
  }

  close(): void {
    this.client.close();
    this.host.close();
    this.core.close();
    for (const port of this.ports) port.close();
  }
}
