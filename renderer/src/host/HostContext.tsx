import { createContext, useContext, useEffect, useRef } from 'react';
import type { CoreContract } from '../../../shared/src/contract.ts';
import type { EventSource } from '../../../shared/src/rpc/Emitter.ts';
import type { Host } from './connectCore.ts';

export const HostContext = createContext<Host | null>(null);

export function useHost(): Host {
  const host = useContext(HostContext);
  if (!host) throw new Error('useHost outside <HostContext>');
  return host;
}

/** `window.enscale`, through React's context so components stay testable and free of globals. */
export function useCore(): CoreContract {
  return useHost().core;
}

/** Subscribes to one core event for the component's lifetime; the latest listener is always called. */
export function useCoreEvent<E, K extends keyof E & string>(
  source: EventSource<E>,
  event: K,
  listener: (payload: E[K]) => void,
): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => source.on(event, (payload) => latest.current(payload)), [source, event]);
}
