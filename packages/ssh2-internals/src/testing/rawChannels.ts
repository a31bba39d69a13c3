import type { ClientChannel } from 'ssh2';
import type ssh2 from 'ssh2';

/*
 * ssh2's client only sends channel requests in the order a well-behaved client would (a session is
 * opened together with its exec or shell). To send them in any order — exec before pty, two sftp
 * subsystems, data after close — these helpers for tests reach into its protocol object. Unlike the
 * app's hacks they have no public path to fall back to: on another ssh2 they throw.
 */

/** The part of ssh2 1.17's client internals used here (not in its typings). */
interface ClientInternals {
  _chanMgr: {
    add(handler: ((error: Error | undefined, channel: ClientChannel) => void) & { type?: string }): number;
  };
  _protocol: {
    session(local: number, window: number, packetSize: number): void;
    pty(
      chan: number,
      rows: number,
      cols: number,
      height: number,
      width: number,
      term: string,
      modes: null,
      wantReply: boolean,
    ): void;
    shell(chan: number, wantReply: boolean): void;
    exec(chan: number, command: string, wantReply: boolean): void;
    subsystem(chan: number, name: string, wantReply: boolean): void;
    env(chan: number, key: string, value: string, wantReply: boolean): void;
    windowChange(chan: number, rows: number, cols: number, height: number, width: number): void;
    signal(chan: number, name: string): void;
    x11Forward(
      chan: number,
      cfg: { single: boolean; protocol: string; cookie: string; screen: number },
      wantReply: boolean,
    ): void;
    openssh_agentForward(chan: number, wantReply: boolean): void;
    channelData(chan: number, data: Buffer): void;
    channelEOF(chan: number): void;
    channelClose(chan: number): void;
  };
}

/** ssh2 1.17's Channel keeps the far side's id and a queue of reply callbacks. */
interface ChannelInternals {
  outgoing: { id: number };
  _callbacks: ((failed: boolean) => void)[];
}

const MAX_WINDOW = 2 * 1024 * 1024;
const PACKET_SIZE = 32 * 1024;

/** A session channel opened bare, so that every request on it is the test's choice. */
export class RawSession {
  private text = '';
  private errText = '';
  private exitCode: number | null = null;
  readonly closed: Promise<void>;

  private constructor(
    private readonly client: ssh2.Client,
    readonly channel: ClientChannel,
  ) {
    channel.on('data', (chunk: Buffer) => (this.text += chunk.toString('latin1')));
    channel.stderr.on('data', (chunk: Buffer) => (this.errText += chunk.toString('utf8')));
    channel.on('exit', (code: number | null) => (this.exitCode = code));
    this.closed = new Promise((resolve) => channel.once('close', () => resolve()));
  }

  static open(client: ssh2.Client): Promise<RawSession> {
    const internals = client as unknown as ClientInternals;
    return new Promise((resolve, reject) => {
      const handler = Object.assign(
        (error: Error | undefined, channel: ClientChannel) =>
          error ? reject(error) : resolve(new RawSession(client, channel)),
        { type: 'session' },
      );
      const local = internals._chanMgr.add(handler);
      if (local === -1) return reject(new Error('no free channel ids'));
      internals._protocol.session(local, MAX_WINDOW, PACKET_SIZE);
    });
  }

  private get protocol(): ClientInternals['_protocol'] {
    return (this.client as unknown as ClientInternals)._protocol;
  }

  /** The gateway's id for this channel, as requests address it. */
  get remote(): number {
    return (this.channel as unknown as ChannelInternals).outgoing.id;
  }

  get stdout(): string {
    return this.text;
  }

  get stderr(): string {
    return this.errText;
  }

  get exit(): number | null {
    return this.exitCode;
  }

  /**
   * Sends a request; with `wantReply` resolves true on success, false on failure. ssh2's server
   * never answers some late requests (e.g. a second shell) — then this does not resolve, so ask for
   * replies only where one is due.
   */
  private request(send: (wantReply: boolean) => void, wantReply: boolean): Promise<boolean> | undefined {
    if (!wantReply) {
      send(false);
      return undefined;
    }
    return new Promise((resolve) => {
      (this.channel as unknown as ChannelInternals)._callbacks.push((failed) => resolve(!failed));
      send(true);
    });
  }

  pty(rows: number, cols: number, wantReply = false) {
    return this.request((w) => this.protocol.pty(this.remote, rows, cols, 0, 0, 'xterm', null, w), wantReply);
  }

  shell(wantReply = false) {
    return this.request((w) => this.protocol.shell(this.remote, w), wantReply);
  }

  exec(command: string, wantReply = false) {
    return this.request((w) => this.protocol.exec(this.remote, command, w), wantReply);
  }

  subsystem(name: string, wantReply = false) {
    return this.request((w) => this.protocol.subsystem(this.remote, name, w), wantReply);
  }

  env(key: string, value: string, wantReply = false) {
    return this.request((w) => this.protocol.env(this.remote, key, value, w), wantReply);
  }

  x11(wantReply = false) {
    return this.request(
      (w) =>
        this.protocol.x11Forward(
          this.remote,
          { single: false, protocol: 'MIT-MAGIC-COOKIE-1', cookie: '00'.repeat(16), screen: 0 },
          w,
        ),
      wantReply,
    );
  }

  agent(wantReply = false) {
    return this.request((w) => this.protocol.openssh_agentForward(this.remote, w), wantReply);
  }

  windowChange(rows: number, cols: number, height = 0, width = 0): void {
    this.protocol.windowChange(this.remote, rows, cols, height, width);
  }

  signal(name: string): void {
    this.protocol.signal(this.remote, name);
  }

  /** Data as raw packets: also after EOF or close, which the stream API would refuse. */
  rawData(data: string | Buffer): void {
    this.protocol.channelData(this.remote, Buffer.from(data));
  }

  rawEof(): void {
    this.protocol.channelEOF(this.remote);
  }

  rawClose(): void {
    this.protocol.channelClose(this.remote);
  }

  /** Waits until the output matches (a generous timer only turns a hang into a readable failure). */
  async waitFor(pattern: RegExp | string, what: string): Promise<void> {
    const matches = () =>
      typeof pattern === 'string' ? this.text.includes(pattern) : pattern.test(this.text);
    for (let waited = 0; !matches(); waited += 20) {
      if (waited > 60_000)
        throw new Error(
          `${what}: never saw ${String(pattern)}; got ${JSON.stringify(this.text.slice(-400))}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
