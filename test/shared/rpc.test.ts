import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { Cancelled, EnvironmentStopped, InternalError, KeyNotFound } from '../../shared/src/errors.ts';
import { Emitter, type EventSource } from '../../shared/src/rpc/Emitter.ts';
import { messagePortChannel, type MessagePortLike } from '../../shared/src/rpc/messagePortChannel.ts';
import type { CallOptions } from '../../shared/src/rpc/protocol.ts';
import { RpcClient } from '../../shared/src/rpc/RpcClient.ts';
import { expose, RpcHost } from '../../shared/src/rpc/RpcHost.ts';
import { args, argsOf, callOptions } from '../../shared/src/rpc/args.ts';
import * as v from 'valibot';

interface CounterEvents {
  changed: { value: number };
}

/** A service interface as shared/ declares them: async methods plus typed events. */
interface Counter {
  readonly events: EventSource<CounterEvents>;
  add(amount: number): Promise<number>;
  echo(value: unknown): Promise<unknown>;
  enter(envName: string): Promise<void>;
  crash(): Promise<void>;
  lookup(id: string): Promise<void>;
  waitUntilCancelled(options?: CallOptions): Promise<string>;
}

class CounterService implements Counter {
  readonly events = new Emitter<CounterEvents>();
  private value = 0;
  cancelled = false;

  async add(amount: number): Promise<number> {
    this.value += amount;
    this.events.emit('changed', { value: this.value });
    return this.value;
  }
  async echo(value: unknown): Promise<unknown> {
    return value;
  }
  async enter(envName: string): Promise<void> {
    throw new EnvironmentStopped(`Environment '${envName}' is stopped — start it from the dashboard.`, {
      envName,
    });
  }
  async crash(): Promise<void> {
    throw new TypeError('boom');
  }
  async lookup(id: string): Promise<void> {
    throw new KeyNotFound(id);
  }
  waitUntilCancelled(options?: CallOptions): Promise<string> {
    return new Promise((_resolve, reject) => {
      options?.signal?.addEventListener('abort', () => {
        this.cancelled = true;
        reject(new Cancelled('Stopped by the user.'));
      });
    });
  }
  /** Public in the class but not in the contract: must not be reachable. */
  reset(): void {
    this.value = 0;
  }
}

const COUNTER_METHODS = ['add', 'echo', 'enter', 'crash', 'lookup', 'waitUntilCancelled'] as const;
const COUNTER_ARGS = argsOf<Counter, (typeof COUNTER_METHODS)[number]>()({
  add: args(v.number()),
  echo: args(v.unknown()),
  enter: args(v.string()),
  crash: args(),
  lookup: args(v.string()),
  waitUntilCancelled: args(callOptions()),
});

const ports: MessagePort[] = [];
function connect(service: CounterService) {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const host = new RpcHost(messagePortChannel(port1 as unknown as MessagePortLike), {
    counter: expose<Counter, (typeof COUNTER_METHODS)[number]>(service, COUNTER_METHODS, COUNTER_ARGS),
  });
  const client = new RpcClient(messagePortChannel(port2 as unknown as MessagePortLike));
  return { host, client, counter: client.service<Counter>('counter') };
}

afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

describe('RPC over a real MessagePort', () => {
  it('calls methods and returns their values by structured clone', async () => {
    const { counter } = connect(new CounterService());
    expect(await counter.add(2)).toBe(2);
    expect(await counter.add(3)).toBe(5);
    const bytes = new Uint8Array([1, 2, 255]);
    expect(await counter.echo({ bytes, nested: [1, 'two'] })).toEqual({ bytes, nested: [1, 'two'] });
  });

  it('forwards events to the client’s listeners', async () => {
    const { counter } = connect(new CounterService());
    const seen: number[] = [];
    const stop = counter.events.on('changed', ({ value }) => seen.push(value));
    await counter.add(1);
    await counter.add(1);
    stop();
    await counter.add(1);
    expect(seen).toEqual([1, 2]);
  });

  it('rebuilds typed errors with their message and details', async () => {
    const { counter } = connect(new CounterService());
    const error = await counter.enter('staging').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentStopped);
    expect(error).toMatchObject({
      message: "Environment 'staging' is stopped — start it from the dashboard.",
      details: { envName: 'staging' },
    });
    const missing = await counter.lookup('k-1').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(KeyNotFound);
    expect(missing).toMatchObject({ code: 'KeyNotFound', details: { id: 'k-1' } });
    expect((missing as Error).message).toMatch(/No key with id 'k-1'/);
    const crash = await counter.crash().catch((e: unknown) => e);
    expect(crash).toBeInstanceOf(InternalError);
    expect((crash as Error).message).toBe('boom');
    expect((crash as Error).stack).not.toMatch(/CounterService/);
  });

  it('cancels a running call when the caller aborts', async () => {
    const service = new CounterService();
    const { counter } = connect(service);
    const controller = new AbortController();
    const call = counter.waitUntilCancelled({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(call).rejects.toBeInstanceOf(Cancelled);
    expect(service.cancelled).toBe(true);
  });

  it('refuses names that are not the service’s own methods', async () => {
    const { client } = connect(new CounterService());
    const raw = client.service<Record<string, () => Promise<unknown>>>('counter');
    await expect(raw['constructor']!()).rejects.toThrow(/No such method/);
    await expect(raw['toString']!()).rejects.toThrow(/No such method/);
    await expect(raw['reset']!()).rejects.toThrow(/No such method/);
    await expect(client.service<Record<string, () => Promise<unknown>>>('nope')['add']!()).rejects.toThrow(
      /No such method/,
    );
  });

  it('rejects pending calls when the client closes', async () => {
    const { client, counter } = connect(new CounterService());
    const call = counter.waitUntilCancelled();
    client.close();
    await expect(call).rejects.toBeInstanceOf(Cancelled);
  });
});
