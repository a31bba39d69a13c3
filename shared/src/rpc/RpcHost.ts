import { Cancelled, serializeError } from '../errors.ts';
import type { ArgsSchema } from './args.ts';
import type { Emitter } from './Emitter.ts';
import type { RpcChannel, RpcMessage } from './protocol.ts';
import { validateArgs } from './validateArgs.ts';

/** A service as the host sees it: methods by name, and optionally an `events` emitter to forward. */
type Service = object & { events?: Emitter<unknown> };

/**
 * A service, the methods the far side may call and the schema of each one's arguments. The list is
 * explicit: the renderer is the less trusted side, and nothing that is not in the contract (helpers,
 * TypeScript-private methods, Object.prototype) may be reached through the channel, nor with
 * arguments the contract does not declare.
 */
export interface Exposed {
  service: object;
  methods: readonly string[];
  args: { readonly [method: string]: ArgsSchema };
}

/** Pairs a service with its contract's method list and argument schemas, checked against its type. */
export const expose = <T extends object, M extends keyof T & string>(
  service: T,
  methods: readonly M[],
  args: { readonly [K in M]: ArgsSchema },
): Exposed => {
  // Type-checking already demands a schema per method; this holds for callers that are not type-checked.
  const missing = methods.filter((method) => !Object.hasOwn(args, method));
  if (missing.length > 0) throw new Error(`No argument schema for ${missing.join(', ')}.`);
  return { service, methods, args };
};

/**
 * Serves services over a channel: runs requests, answers with values or typed errors, aborts a
 * request's signal when the client cancels it, and forwards every service event.
 */
export class RpcHost {
  private readonly inFlight = new Map<number, AbortController>();
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly channel: RpcChannel,
    private readonly services: Record<string, Exposed>,
  ) {
    this.stops.push(channel.onMessage((message) => this.receive(message)));
    for (const [name, { service }] of Object.entries(services)) {
      const events = (service as Service).events;
      if (events && typeof events.onAny === 'function') {
        this.stops.push(
          events.onAny((event, payload) => channel.send({ kind: 'event', service: name, event, payload })),
        );
      }
    }
  }

  /** Stops listening and aborts everything still running. */
  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    for (const controller of this.inFlight.values()) controller.abort();
    this.inFlight.clear();
  }

  private receive(message: RpcMessage): void {
    if (message.kind === 'cancel') {
      this.inFlight.get(message.id)?.abort();
      return;
    }
    if (message.kind === 'request') void this.handle(message);
  }

  private async handle(request: Extract<RpcMessage, { kind: 'request' }>): Promise<void> {
    const { id } = request;
    const controller = new AbortController();
    this.inFlight.set(id, controller);
    try {
      const exposed = Object.hasOwn(this.services, request.service)
        ? this.services[request.service]
        : undefined;
      const listed = exposed?.methods.includes(request.method) && Object.hasOwn(exposed.args, request.method);
      const method = listed ? (exposed?.service as Record<string, unknown>)[request.method] : undefined;
      const schema = listed ? exposed?.args[request.method] : undefined;
      if (typeof method !== 'function' || !schema) {
        throw new Error(`No such method: ${request.service}.${request.method}`);
      }
      // Checked before anything runs; what the method gets is the parsed copy, never the sender's objects.
      const args = validateArgs(
        `${request.service}.${request.method}`,
        schema,
        request.args,
        request.signalArg,
      );
      if (request.signalArg !== undefined) {
        args[request.signalArg] = {
          ...(args[request.signalArg] as object | undefined),
          signal: controller.signal,
        };
      }
      const value: unknown = await method.apply(exposed?.service, args);
      this.channel.send({ kind: 'response', id, ok: true, value });
    } catch (error) {
      const reported =
        controller.signal.aborted && !(error instanceof Cancelled) ? new Cancelled('Cancelled.') : error;
      this.channel.send({ kind: 'response', id, ok: false, error: serializeError(reported) });
    } finally {
      this.inFlight.delete(id);
    }
  }
}
