import type { EventSource } from './rpc/Emitter.ts';
import { methodList } from './rpc/methods.ts';

/** A host key seen for the first time, waiting for the user's decision. */
export interface HostKeyQuestion {
  id: string;
  host: string;
  port: number;
  keyType: string;
  sha256: string;
  md5: string;
  /**
   * Other names this very key is already trusted under (e.g. the gateway's old address): the UI
   * says so instead of alarming.
   */
  knownAs: string[];
}

export type HostKeyDecision = 'once' | 'remember' | 'reject';

export interface HostKeyEvents {
  question: HostKeyQuestion;
}

export interface HostKeysApi {
  readonly events: EventSource<HostKeyEvents>;
  answer(id: string, decision: HostKeyDecision): Promise<void>;
}

export const HOST_KEYS_METHODS = methodList<HostKeysApi>()(['answer']);
