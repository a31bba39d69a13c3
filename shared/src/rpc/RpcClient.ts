import { Cancelled, deserializeError } from '../errors.ts';
import { Emitter } from './Emitter.ts';
import type { RpcChannel, RpcMessage } from './protocol.ts';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  cleanup: () => void;
}

const isAbortSignal = (value: unknown): value is AbortSignal =>
  typeof AbortSignal !== 'undefined' && value instanceof AbortSignal;

/**
 * The far side of {@link RpcHost}: `client.service(name)` is an object implementing the service's
 * interface, whose methods send requests and whose `events` re-emit what the host forwards.
 * A method's last argument may carry an AbortSignal (`{ signal }`); aborting it cancels the call.
 */
export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly emitters = new Map<string, Emitter<unknown>>();
  private readonly stop: () => void;

  constructor(private readonly channel: RpcChannel) {
    this.stop = channel.onMessage((message) => this.receive(message));
  }

  service<T extends object>(name: string): T {
    const events = this.emitterFor(name);
    const methods = new Map<string, (...args: unknown[]) => Promise<unknown>>();
    return new Proxy({} as T, {
      get: (_target, property) => {
        if (property === 'events') return events;
        // Not a thenable: `await client.service(...)` must not try to call `then`.
        if (typeof property !== 'string' || property === 'then') return undefined;
        let method = methods.get(property);
        if (!method) {
          method = (...args: unknown[]) => this.call(name, property, args);
          methods.set(property, method);
        }
        return method;
      },
    });
  }

  /** Rejects every pending call and stops listening. */
  close(reason = 'The connection to the app core was closed.'): void {
    this.stop();
    for (const pending of this.pending.values()) {
      pending.cleanup();
      pending.reject(new Cancelled(reason));
    }
    this.pending.clear();
  }

  private emitterFor(name: string): Emitter<unknown> {
    let emitter = this.emitters.get(name);
    if (!emitter) this.emitters.set(name, (emitter = new Emitter<unknown>()));
    return emitter;
  }

  private call(service: string, method: string, args: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    let signal: AbortSignal | undefined;
    let signalArg: number | undefined;
    const sent = args.map((arg, index) => {
      if (arg && typeof arg === 'object' && 'signal' in arg && isAbortSignal(arg.signal)) {
        signal = arg.signal;
        signalArg = index;
        const { signal: _dropped, ...rest } = arg as Record<string, unknown>;
        return rest;
      }
      return arg;
    });
    if (signal?.aborted) return Promise.reject(new Cancelled('Cancelled.'));
    return new Promise((resolve, reject) => {
      const onAbort = () => this.channel.send({ kind: 'cancel', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, { resolve, reject, cleanup: () => signal?.removeEventListener('abort', onAbort) });
      this.channel.send({
        kind: 'request',
        id,
        service,
        method,
        args: sent,
        ...(signalArg !== undefined ? { signalArg } : {}),
      });
    });
  }

  private receive(message: RpcMessage): void {
    if (message.kind === 'event') {
      this.emitters.get(message.service)?.emitUnchecked(message.event, message.payload);
      return;
    }
    if (message.kind !== 'response') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    pending.cleanup();
    if (message.ok) pending.resolve(message.value);
    else pending.reject(deserializeError(message.error));
  }
}
