import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Core } from '../core/Core.ts';
import { createCoreClient, type CoreContract } from '../../shared/src/contract.ts';
import { messagePortChannel, type MessagePortLike } from '../../shared/src/rpc/messagePortChannel.ts';
import { RpcHost } from '../../shared/src/rpc/RpcHost.ts';
import type { RpcClient } from '../../shared/src/rpc/RpcClient.ts';

export interface CoreSessionOptions {
  dataDir: string;
  /** The keychain's service name; tests pass their own so they never touch a user's entries. */
  keychainService?: string;
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
    // Nobody can answer a host-key question here: unknown keys fail with what to pin.
    this.core = new Core({
      dataDir: options.dataDir,
      interactive: false,
      ...(options.keychainService ? { keychainService: options.keychainService } : {}),
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
