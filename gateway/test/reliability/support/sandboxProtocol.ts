import type { SandboxReady } from '../../../src/sandbox/Sandbox.ts';

/** What the test asks the sandbox process (sandboxChild.ts) for. */
export type ChildRequest =
  { type: 'memory' } | { type: 'registerKey'; uid: number; publicKey: string } | { type: 'stop' };

export type ChildReply =
  | { type: 'ready'; ready: SandboxReady; dataDir: string }
  | { type: 'reply'; id: number; value?: unknown; error?: string };

/** The sandbox process's memory after two full garbage collections, in bytes. */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}
