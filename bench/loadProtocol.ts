/**
 * What the load benchmark's parent (bench/loadGateway.ts) and its client processes
 * (bench/loadClient.ts) say to each other over the fork IPC channel.
 */

/** Where a client connects and how it pins the server's host key. */
export interface LoadServer {
  host: string;
  port: number;
  /** Host key algorithms offered, so the server signs with the key type being measured. */
  hostKeyAlgorithms: string[];
  /** `SHA256:…` of that host key: any other key fails the connection. */
  hostKeySha256: string;
  /** The user's private key (OpenSSH format), the same for every session of the process. */
  privateKeyPath: string;
}

/** A process of many sessions: connect, open a shell and SFTP, run them, stop, close — on command. */
export interface SessionsConfig {
  mode: 'sessions';
  server: LoadServer;
  sessions: { index: number; username: string }[];
  /** Handshakes in progress at once in this process (the gateway refuses over 64 unauthenticated). */
  maxHandshakes: number;
  /** Folder for this process's source and downloaded files. */
  workDir: string;
  /** Size of session `index`'s file, in bytes. */
  fileBytes: number[];
  /** Shells only, no SFTP: probes of how long a keystroke's answer takes beside the others' transfers. */
  shellOnly?: boolean;
  /** Pause between two shell commands of a session. */
  commandIntervalMs: number;
  /** A command whose answer does not come within this is a failure. */
  commandTimeoutMs: number;
  /** An upload or download that has not finished within this is a failure (a stalled channel). */
  transferTimeoutMs: number;
  readyTimeoutMs: number;
}

/** A process of `concurrency` loops of connect → authenticate (→ exec `true`) → disconnect. */
export interface RateConfig {
  mode: 'rate';
  server: LoadServer;
  username: string;
  concurrency: number;
  /** Also run `true` on the connection (and wait for its exit status) before disconnecting. */
  exec: boolean;
  /** Stop after this long (from `go`) or after `count` connections, whichever is set. */
  durationMs?: number;
  count?: number;
  readyTimeoutMs: number;
}

export type ClientConfig = SessionsConfig | RateConfig;

export type ParentCommand =
  | { type: 'connect' }
  | { type: 'open' }
  | { type: 'run' }
  | { type: 'stop' }
  | { type: 'close' }
  | { type: 'go' };

/** One session's account of itself after `stop`. */
export interface SessionReport {
  index: number;
  username: string;
  /** The first thing that went wrong; absent for a session that did everything it was asked. */
  failure?: string;
  commandsOk: number;
  /** How long each command's answer took during the run, in ms. */
  commandMs: number[];
  /** Upload + download + SHA-256 comparison, completed. */
  roundTrips: number;
  hashMismatches: number;
  bytesUp: number;
  bytesDown: number;
  /** Terminal bytes received (echo, prompts, answers). */
  shellBytes: number;
  /** SHA-256 of the file the session uploads, to check the copy on the node's disk. */
  sourceSha256: string;
  remotePath: string;
}

export interface ProcessCpu {
  /** CPU seconds this client process spent between `run` and `stopped` (user + system). */
  cpuSeconds: number;
}

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'connected'; ok: number; failures: string[] }
  | { type: 'opened'; ok: number; failures: string[] }
  | { type: 'running' }
  | ({ type: 'stopped'; sessions: SessionReport[] } & ProcessCpu)
  | { type: 'closed'; failures: string[] }
  | ({
      type: 'rate';
      completed: number;
      failed: number;
      errors: string[];
      elapsedMs: number;
      /** Algorithms the first connection negotiated (kex, host key, cipher), for the record. */
      negotiated?: Record<string, unknown>;
    } & ProcessCpu);
