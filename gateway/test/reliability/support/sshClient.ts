import type { ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';
import ssh2 from 'ssh2';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { GatewayAddress } from '../../../src/ssh/GatewayServer.ts';

/**
 * ssh2's client driven from the test process: many logins and channels cost far less than as many
 * OpenSSH processes, and it can send what OpenSSH never would (any user name, odd request orders).
 */
export interface LoginTarget {
  address: GatewayAddress;
  username: string;
  privateKey: Buffer | string;
  /** The gateway's host keys as OpenSSH lines; only these are accepted. */
  hostKeys: readonly string[];
  /** A loopback address of the test's choice (127.0.0.2 …) to be another source for the lockout. */
  localAddress?: string;
  extra?: Partial<ConnectConfig>;
}

export type LoginResult = { client: ssh2.Client } | { error: Error };

/** Logs in; resolves with the ready client or the error that ended the attempt. */
export function login(target: LoginTarget): Promise<LoginResult> {
  const blobs = target.hostKeys.map((line) => line.trim().split(/\s+/)[1]);
  return new Promise((resolve) => {
    const client = new ssh2.Client();
    let settled = false;
    client.once('ready', () => {
      settled = true;
      resolve({ client });
    });
    client.on('error', (error) => {
      if (settled) return;
      settled = true;
      resolve({ error });
    });
    client.once('close', () => {
      if (settled) return;
      settled = true;
      resolve({ error: new Error('closed before login') });
    });
    // Our own socket, with Nagle off as the app's connections have it: ssh2's client leaves it on,
    // and on loopback that adds delayed-ACK waits of tens of milliseconds to every handshake.
    const sock = connect({
      host: target.address.host,
      port: target.address.port,
      noDelay: true,
      ...(target.localAddress ? { localAddress: target.localAddress } : {}),
    });
    sock.on('error', () => undefined);
    client.connect({
      sock,
      username: target.username,
      privateKey: target.privateKey,
      hostVerifier: (key: Buffer) => blobs.includes(key.toString('base64')),
      readyTimeout: 60_000,
      ...target.extra,
    });
  });
}

/** Ends a client and waits for its socket to close. */
export function logout(client: ssh2.Client): Promise<void> {
  return new Promise((resolve) => {
    client.once('close', () => resolve());
    client.end();
  });
}

export interface ChannelResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Reads a channel to its close: output, and the exit status or signal. */
export function finish(channel: ClientChannel): Promise<ChannelResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let code: number | null = null;
    let signal: string | null = null;
    channel.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
      code = exitCode;
      signal = exitSignal ?? null;
    });
    channel.once('close', () => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs a command on a channel of its own. `input` goes to its stdin, which is then closed. */
export function exec(
  client: ssh2.Client,
  command: string,
  options: { input?: string | Buffer; pty?: boolean } = {},
): Promise<ChannelResult> {
  return new Promise((resolve, reject) => {
    client.exec(
      command,
      options.pty ? { pty: { term: 'xterm', rows: 24, cols: 80 } } : {},
      (error, channel) => {
        if (error) return reject(error);
        const done = finish(channel);
        channel.end(options.input);
        void done.then(resolve);
      },
    );
  });
}

/** The SFTP subsystem, or the error that kept it from starting (with what the gateway said on stderr). */
export function openSftp(client: ssh2.Client): Promise<{ sftp: SFTPWrapper } | { error: Error }> {
  return new Promise((resolve) => {
    client.sftp((error, sftp) => resolve(error ? { error } : { sftp }));
  });
}

export function sftpReaddir(sftp: SFTPWrapper, path: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    sftp.readdir(path, (error, list) => (error ? reject(error) : resolve(list.map((e) => e.filename)))),
  );
}

/** A `-L` style forward through the connection; resolves with the channel or the refusal. */
export function forward(
  client: ssh2.Client,
  host: string,
  port: number,
): Promise<{ channel: ClientChannel } | { error: Error }> {
  return new Promise((resolve) => {
    client.forwardOut('127.0.0.1', 40000, host, port, (error, channel) =>
      resolve(error ? { error } : { channel }),
    );
  });
}

/**
 * An interactive pty session (what `ssh -t` opens): the test types with `send` and waits for what
 * the screen shows with `expect`.
 */
export class Terminal {
  private text = '';
  private readonly listeners = new Set<() => void>();
  readonly closed: Promise<ChannelResult>;

  private constructor(readonly channel: ClientChannel) {
    this.closed = finish(channel);
    channel.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('utf8');
      for (const listener of this.listeners) listener();
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('utf8');
      for (const listener of this.listeners) listener();
    });
  }

  static open(client: ssh2.Client, size = { rows: 40, cols: 120 }): Promise<Terminal> {
    return new Promise((resolve, reject) => {
      client.shell({ term: 'xterm-256color', rows: size.rows, cols: size.cols }, (error, channel) =>
        error ? reject(error) : resolve(new Terminal(channel)),
      );
    });
  }

  get output(): string {
    return this.text;
  }

  mark(): number {
    return this.text.length;
  }

  send(keys: string | Buffer): void {
    this.channel.write(keys);
  }

  /**
   * Waits until the output after `from` matches, and returns that part. The timer only turns a hang
   * into a failure that shows the screen; it is far above anything the test needs.
   */
  expect(pattern: RegExp | string, from = 0, what = ''): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const seen = this.text.slice(from);
        if (typeof pattern === 'string' ? seen.includes(pattern) : pattern.test(seen)) {
          this.listeners.delete(check);
          clearTimeout(timer);
          resolve(seen);
        }
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(
          new Error(
            `${what}: the screen never showed ${String(pattern)}; it showed:\n${JSON.stringify(this.text.slice(from))}`,
          ),
        );
      }, 60_000);
      this.listeners.add(check);
      check();
    });
  }

  close(): void {
    this.channel.close();
  }
}

/** Logs in as `username` with the key at `privatePath` and returns the ready client; throws if refused. */
export async function loggedIn(
  gateway: { address: GatewayAddress; hostKeys: readonly string[] },
  privatePath: string,
  username: string,
): Promise<ssh2.Client> {
  const result = await login({
    address: gateway.address,
    username,
    privateKey: readFileSync(privatePath),
    hostKeys: gateway.hostKeys,
  });
  if (!('client' in result)) throw result.error;
  return result.client;
}
