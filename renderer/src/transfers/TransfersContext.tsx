import { createContext, useContext, useSyncExternalStore } from 'react';
import type { TransfersSnapshot, TransfersStore } from './TransfersStore.ts';

export const TransfersContext = createContext<TransfersStore | null>(null);

export function useTransfersStore(): TransfersStore {
  const store = useContext(TransfersContext);
  if (!store) throw new Error('useTransfersStore outside <TransfersContext>');
  return store;
}

export function useTransfers(): TransfersSnapshot {
  const store = useTransfersStore();
  return useSyncExternalStore(store.subscribe, store.get);
}
