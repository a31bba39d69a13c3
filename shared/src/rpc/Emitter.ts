export type Unsubscribe = () => void;

/** The events a service announces: `on(name, listener)` with the payload typed per name. */
export interface EventSource<E> {
  on<K extends keyof E & string>(event: K, listener: (payload: E[K]) => void): Unsubscribe;
}

/**
 * A tiny typed event emitter usable in every layer (Node's EventEmitter is not allowed in shared/).
 * `onAny` lets the RPC host forward every event without knowing their names.
 */
export class Emitter<E> implements EventSource<E> {
  private readonly listeners = new Map<string, Set<(payload: never) => void>>();
  private readonly anyListeners = new Set<(event: string, payload: unknown) => void>();

  on<K extends keyof E & string>(event: K, listener: (payload: E[K]) => void): Unsubscribe {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  onAny(listener: (event: string, payload: unknown) => void): Unsubscribe {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  emit<K extends keyof E & string>(event: K, payload: E[K]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (payload: E[K]) => void)(payload);
    for (const listener of this.anyListeners) listener(event, payload);
  }

  /** For the RPC client: re-emits an event that arrived by name. */
  emitUnchecked(event: string, payload: unknown): void {
    this.emit(event as keyof E & string, payload as E[keyof E & string]);
  }
}
