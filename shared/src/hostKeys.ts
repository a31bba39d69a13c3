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
