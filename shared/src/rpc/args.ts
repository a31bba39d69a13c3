import * as v from 'valibot';
import type { MethodsOf } from './methods.ts';
import type { CallOptions } from './protocol.ts';

/**
 * Schemas for what the far side sends: each method's argument list (declared in `schemas/`, keyed
 * like CORE_METHODS), checked by `RpcHost` before the call runs. The page is the less trusted side,
 * so every object is strict (an unknown field at any depth is refused, not dropped) and the list
 * itself is strict (an extra argument is refused). valibot: small, tree-shakable, no dependencies,
 * and about 60 ns to check a terminal keystroke's arguments (0.7 µs for an upload request).
 */

/** A method's argument list: exactly these, in order; trailing optional ones may be left out. */
export type ArgsSchema = v.StrictTupleSchema<v.TupleItems, undefined>;

export const args = <const T extends v.TupleItems>(...items: T) => v.strictTuple(items);

/** The options schemas a client may put a signal in (see `callOptions`). */
const SIGNAL_TAKERS = new WeakSet<object>();

/**
 * The options argument of a cancellable method (`CallOptions` and what it extends). The client takes
 * the AbortSignal out and marks the argument (`signalArg`); the host checks what is left against
 * these entries, then puts a live signal in. A `signal` field sent by the far side is refused.
 */
export function callOptions<const E extends v.ObjectEntries = Record<never, never>>(entries?: E) {
  const schema = v.optional(v.strictObject(entries ?? ({} as E)));
  SIGNAL_TAKERS.add(schema);
  return schema;
}

/** Whether argument `index` of a method is one its client may attach a signal to. */
export function takesSignal(schema: ArgsSchema, index: number): boolean {
  const item = Number.isInteger(index) ? schema.items[index] : undefined;
  return item !== undefined && SIGNAL_TAKERS.has(item);
}

/** A whole number in a range: ports, ids, byte counts. */
export const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

/** Binary data: a Uint8Array, as both channels deliver bytes (a Node Buffer is one too). */
export const bytes = v.custom<Uint8Array>(
  (value) => value instanceof Uint8Array,
  'Invalid type: Expected Uint8Array',
);

/** A list whose type is `readonly T[]`, as the contract declares lists the core only reads. */
export const readonlyArray = <const T extends v.GenericSchema>(item: T) =>
  v.pipe(v.array(item), v.readonly());

// ---- The compile-time check that a schema takes exactly the calls its method's type allows. ----

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Every item may be left out: what may be missing at the end of a call. */
type AllOptional<Items extends readonly unknown[]> = Items extends readonly [infer Head, ...infer Rest]
  ? Head extends v.OptionalSchema<infer _Wrapped, infer _Default>
    ? AllOptional<Rest>
    : false
  : true;

type Outputs<Items extends readonly unknown[]> = {
  -readonly [K in keyof Items]: Items[K] extends v.GenericSchema ? v.InferOutput<Items[K]> : never;
};

/** A tuple schema's items as a parameter list: `[string(), optional(X)]` → `[string, X?]`. */
type AsParameters<Items extends readonly unknown[]> = Items extends readonly []
  ? []
  : AllOptional<Items> extends true
    ? Partial<Outputs<Items>>
    : Items extends readonly [infer Head extends v.GenericSchema, ...infer Rest]
      ? [v.InferOutput<Head>, ...AsParameters<Rest>]
      : never;

/** The options argument as it crosses the RPC: without its signal, which the host supplies. */
type Sent<T> = T extends CallOptions & object ? ('signal' extends keyof T ? Omit<T, 'signal'> : T) : T;
type SentParameters<P extends readonly unknown[]> = { [K in keyof P]: Sent<P[K]> };

type Fits<Method, Schema> = Method extends (...params: infer P) => unknown
  ? Schema extends ArgsSchema
    ? Equal<AsParameters<Schema['items']>, SentParameters<P>>
    : false
  : false;

/** What tsc shows for a schema that does not match its method's parameters. */
interface Mismatch<Name> {
  schemaDoesNotMatchTheParametersOf: Name;
}

/**
 * Declares a service's argument schemas: exactly one per method of `Service` (`MethodsOf`), each
 * taking exactly the parameters of the method's type (same fields, same optionality, same types, at
 * every depth), so a method added to the interface without a schema, or a field added on one side
 * only, fails type-checking.
 */
export const argsOf =
  <Service, Methods extends MethodsOf<Service> = MethodsOf<Service>>() =>
  <const A extends { [K in Methods]: ArgsSchema } & { [K in Exclude<keyof A, Methods>]: never }>(
    schemas: A & { [K in Methods]: Fits<Service[K], A[K]> extends true ? unknown : Mismatch<K> },
  ): { readonly [K in Methods]: ArgsSchema } =>
    schemas;
