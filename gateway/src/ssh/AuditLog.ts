import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * What the gateway records. Every event carries the connection id so that one login, its
 * channels and its disconnect can be read together. Never secrets: no passwords (they are not
 * even read), no key material beyond fingerprints, no environment variable values.
 */
export type AuditEvent =
  | { event: 'connect'; conn: string; ip: string; port: number; client?: string }
  | { event: 'refused'; conn: string; ip: string; reason: string }
  | {
      /**
       * A source reached the failure limit: `blocked` for the block time, or `overflow` when the
       * block table was full and it was let through (see SourcePenalties).
       */
      event: 'penalty';
      conn: string;
      ip: string;
      /** What is blocked: the address, or for IPv6 its /64 (sourceKey). */
      source: string;
      result: 'blocked' | 'overflow';
      reason: string;
    }
  | {
      event: 'auth';
      conn: string;
      result: 'success' | 'failure';
      method: string;
      user: string;
      reason?: string;
      keyType?: string;
      keyBits?: number;
      fingerprint?: string;
      uid?: number;
      mode?: 'menu' | 'direct';
      nodeId?: number;
      attempt?: number;
    }
  | {
      event: 'channel';
      conn: string;
      uid: number;
      mode: 'menu' | 'direct';
      nodeId?: number;
      channel: 'shell' | 'exec' | 'sftp' | 'subsystem' | 'direct-tcpip' | 'menu';
      command?: string;
      target?: string;
      pty?: boolean;
      env?: string[];
      bytesToNode: number;
      bytesFromNode: number;
      exitStatus?: number;
      exitSignal?: string;
      error?: string;
      durationMs: number;
    }
  | {
      event: 'upstream';
      conn?: string;
      nodeId: number;
      /** `dropped`: a connection that was up ended under its channels (not idle, not shutdown). */
      result: 'host-key-mismatch' | 'unreachable' | 'dropped';
      detail: string;
      /** For `dropped`: the channels that were open on it. */
      channels?: number;
    }
  | {
      event: 'disconnect';
      conn: string;
      /** Only for connections that closed before the SSH handshake (no `connect` event names it). */
      ip?: string;
      uid?: number;
      reason: string;
      durationMs: number;
    };

/** Where audit events go. The gateway only ever calls `record`. */
export interface AuditSink {
  record(event: AuditEvent): void;
}

/**
 * Audit events as JSON lines appended to one file. Each event is a single `write(2)` of one
 * complete line on a descriptor opened with O_APPEND, so concurrent writers (two gateways on one
 * file, or a log shipper reading it) never see a torn or interleaved line. Writes are
 * synchronous on purpose: an event is on disk before the action it describes continues, and the
 * volume is a handful of lines per connection, never per data packet. A gateway killed outright
 * (SIGKILL) loses no line it has recorded: the data is in the kernel once `record` returns.
 */
export class JsonLinesAuditLog implements AuditSink {
  private fd: number | undefined;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Read as well as append: to look at the last byte a previous run left.
    this.fd = openSync(path, 'a+', 0o600);
    this.endCutLine(this.fd);
  }

  record(event: AuditEvent): void {
    if (this.fd === undefined) return;
    const line = Buffer.from(JSON.stringify({ ts: new Date().toISOString(), ...event }) + '\n');
    // A regular file takes the whole line in one write; a short count means the disk filled up (or
    // the kernel gave up at a page boundary as a fatal signal arrived). Writing the rest at least
    // keeps the next event off the cut line.
    let written = writeSync(this.fd, line);
    while (written < line.length) written += writeSync(this.fd, line, written);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * A file that does not end with a line break holds a line cut short — by a crash in the middle of a
   * write (the kernel may stop a write to a regular file at a page boundary when SIGKILL arrives), a
   * power loss, a full disk. This run starts on a line of its own, so that only that line is damaged
   * and not the first event recorded now as well.
   */
  private endCutLine(fd: number): void {
    const { size } = fstatSync(fd);
    if (size === 0) return;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) writeSync(fd, '\n');
  }
}

/** Keeps events in memory; for tests and for embedding where no file is wanted. */
export class MemoryAuditLog implements AuditSink {
  readonly events: AuditEvent[] = [];

  record(event: AuditEvent): void {
    this.events.push(event);
  }
}

/** Sends each event to several sinks, e.g. the file and a test's memory log. */
export class TeeAuditLog implements AuditSink {
  private readonly sinks: readonly AuditSink[];

  constructor(...sinks: AuditSink[]) {
    this.sinks = sinks;
  }

  record(event: AuditEvent): void {
    for (const sink of this.sinks) sink.record(event);
  }
}
