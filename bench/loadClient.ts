/*
 * A load client process (forked by bench/loadGateway.ts with `--import tsx`): many ssh2 sessions, or
 * loops of new connections, driven step by step over IPC so that the parent can sample the server
 * between steps. The load never runs in the server's process: the figures are the server's own.
 * Usage: node --import tsx bench/loadClient.ts 'CONFIG_JSON' (see loadProtocol.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { ClientChannel, SFTPWrapper } from 'ssh2';
import type {
  ChildMessage,
  ClientConfig,
  ParentCommand,
  RateConfig,
  SessionReport,
  SessionsConfig,
} from './loadProtocol.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as ClientConfig;
const privateKey = readFileSync(config.server.privateKeyPath);
const send = (message: ChildMessage) => process.send?.(message);

const sha256Base64 = (data: Buffer) => createHash('sha256').update(data).digest('base64').replace(/=+$/, '');
const sha256Hex = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Connects and authenticates; rejects on any error, a host key other than the pinned one included. */
function connect(username: string, readyTimeoutMs: number): Promise<ssh2.Client> {
  const { server } = config;
  const client = new ssh2.Client();
  return new Promise((resolve, reject) => {
    client.once('ready', () => resolve(client));
    client.once('error', (error) => {
      client.end();
      reject(error);
    });
    client.connect({
      host: server.host,
      port: server.port,
      username,
      privateKey,
      readyTimeout: readyTimeoutMs,
      algorithms: { serverHostKey: server.hostKeyAlgorithms as ssh2.ServerHostKeyAlgorithm[] },
      hostVerifier: (key: Buffer) => `SHA256:${sha256Base64(key)}` === server.hostKeySha256,
    });
  });
}

/** Runs `tasks` with at most `limit` of them in progress. */
async function limited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

// ─── Sessions ────────────────────────────────────────────────────────────────────────────────────

class Session {
  client: ssh2.Client | undefined;
  shell: ClientChannel | undefined;
  sftp: SFTPWrapper | undefined;
  failure: string | undefined;
  closing = false;
  stopping = false;
  commandsOk = 0;
  readonly commandMs: number[] = [];
  roundTrips = 0;
  hashMismatches = 0;
  bytesUp = 0;
  bytesDown = 0;
  shellBytes = 0;
  /** Resolves when the connection has closed (at once for a session that never connected). */
  private closed: Promise<void> = Promise.resolve();
  /**
   * Rejects when the SFTP channel closes under a request: ssh2 never calls back the requests still
   * waiting on a closed channel, so every request races this.
   */
  private sftpGone: Promise<never> = new Promise(() => undefined);
  private output = '';
  private waiter: { pattern: string; resolve(): void } | undefined;
  private loops: Promise<void>[] = [];
  readonly source: string;
  readonly back: string;
  readonly remotePath: string;
  readonly sourceSha256: string;

  constructor(
    readonly index: number,
    readonly username: string,
    private readonly settings: SessionsConfig,
  ) {
    this.source = join(settings.workDir, `source-${index}.bin`);
    this.back = join(settings.workDir, `back-${index}.bin`);
    this.remotePath = `load-${index}.bin`;
    // Random content of the session's own size: no two sessions upload the same file.
    const data = settings.shellOnly ? Buffer.alloc(0) : randomBytes(settings.fileBytes[index] ?? 1 << 20);
    if (!settings.shellOnly) writeFileSync(this.source, data);
    this.sourceSha256 = sha256Hex(data);
  }

  fail(why: string): void {
    this.failure ??= why;
  }

  async connect(): Promise<void> {
    try {
      const client = await connect(this.username, this.settings.readyTimeoutMs);
      this.client = client;
      client.on('error', (error) => {
        if (!this.closing) this.fail(`connection error: ${error.message}`);
      });
      this.closed = new Promise((resolve) => client.once('close', () => resolve()));
      client.once('close', () => {
        if (!this.closing) this.fail('connection closed by the server');
      });
    } catch (error) {
      this.fail(`connect: ${describe(error)}`);
    }
  }

  async open(): Promise<void> {
    const client = this.client;
    if (!client || this.failure) return;
    try {
      const pty = { term: 'xterm-256color', cols: 100, rows: 30, width: 0, height: 0 };
      this.shell = await new Promise<ClientChannel>((resolve, reject) =>
        client.shell(pty, (error, stream) => (error ? reject(error) : resolve(stream))),
      );
      this.shell.on('data', (data: Buffer) => this.onOutput(data));
      this.shell.stderr.on('data', (data: Buffer) => this.onOutput(data));
      this.shell.once('close', () => {
        if (!this.closing) this.fail('shell closed by the server');
      });
      if (!this.settings.shellOnly) {
        const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
          client.sftp((error, channel) => (error ? reject(error) : resolve(channel))),
        );
        this.sftp = sftp;
        this.sftpGone = new Promise<never>((_, reject) =>
          sftp.once('close', () => {
            if (!this.closing) this.fail('sftp channel closed by the server');
            reject(new Error('the sftp channel closed'));
          }),
        );
        this.sftpGone.catch(() => undefined);
      }
      // The shell answers before the session counts as open: its login is over.
      await this.command(0);
    } catch (error) {
      this.fail(`open: ${describe(error)}`);
    }
  }

  private onOutput(data: Buffer): void {
    this.shellBytes += data.length;
    // Enough of the tail to hold a marker split across reads; the rest is not needed.
    this.output = (this.output + data.toString('latin1')).slice(-4096);
    if (this.waiter && this.output.includes(this.waiter.pattern)) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      this.output = '';
      resolve();
    }
  }

  /**
   * Types `echo Li.n.$((n*7))` and waits for `Li.n.<product>`: the typed line's echo does not
   * contain the product, so only the shell's answer matches.
   */
  private command(n: number): Promise<void> {
    const shell = this.shell;
    if (!shell) return Promise.reject(new Error('no shell'));
    const pattern = `L${this.index}.${n}.${n * 7}`;
    const sent = performance.now();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no answer to command ${n} within ${this.settings.commandTimeoutMs} ms`));
      }, this.settings.commandTimeoutMs);
      this.waiter = {
        pattern,
        resolve: () => {
          clearTimeout(timer);
          this.commandsOk++;
          if (n > 0) this.commandMs.push(Math.round(performance.now() - sent));
          resolve();
        },
      };
      shell.write(`echo L${this.index}.${n}.$((${n}*7))\r`);
    });
  }

  /** The shell and the transfers, side by side, until `stop`: each at least once. */
  run(): void {
    if (this.failure || !this.shell || (!this.sftp && !this.settings.shellOnly)) return;
    this.loops = this.settings.shellOnly ? [this.shellLoop()] : [this.shellLoop(), this.transferLoop()];
  }

  private async shellLoop(): Promise<void> {
    let n = 1;
    try {
      do {
        await this.command(n++);
        // Jitter, so that 200 shells do not answer in lockstep.
        await sleep(this.settings.commandIntervalMs * (0.5 + Math.random()));
      } while (!this.stopping && !this.failure);
    } catch (error) {
      this.fail(`shell: ${describe(error)}`);
    }
  }

  private async transferLoop(): Promise<void> {
    const sftp = this.sftp;
    if (!sftp) return;
    const size = this.settings.fileBytes[this.index] ?? 0;
    try {
      do {
        await this.sftpRequest('upload', (done) => sftp.fastPut(this.source, this.remotePath, done));
        this.bytesUp += size;
        await this.sftpRequest('download', (done) => sftp.fastGet(this.remotePath, this.back, done));
        this.bytesDown += size;
        const back = readFileSync(this.back);
        if (sha256Hex(back) !== this.sourceSha256) {
          this.hashMismatches++;
          this.fail(
            `round ${this.roundTrips + 1}: downloaded file differs (${back.length} of ${size} bytes)`,
          );
        }
        rmSync(this.back, { force: true });
        this.roundTrips++;
      } while (!this.stopping && !this.failure);
    } catch (error) {
      this.fail(`sftp: ${describe(error)}`);
    }
  }

  /** One SFTP operation, failed when its channel closes or when it makes no end in the time allowed. */
  private async sftpRequest(what: string, start: (done: (error?: Error | null) => void) => void) {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve, reject) => start((error) => (error ? reject(error) : resolve()))),
        this.sftpGone,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${what} did not finish within ${this.settings.transferTimeoutMs} ms`)),
            this.settings.transferTimeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  /** Leaves the shell with `exit` (its status must be 0), then ends SFTP and the connection. */
  async close(): Promise<void> {
    this.closing = true;
    const { client, shell, sftp } = this;
    if (shell && !this.failure) {
      try {
        const code = await new Promise<number | null>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error('the shell did not end after exit')),
            this.settings.commandTimeoutMs,
          );
          let status: number | null = null;
          shell.once('exit', (exitCode: number | null) => (status = exitCode));
          shell.once('close', () => {
            clearTimeout(timer);
            resolve(status);
          });
          shell.write('exit\r');
        });
        if (code !== 0) this.fail(`shell exit status ${code}`);
      } catch (error) {
        this.fail(`close: ${describe(error)}`);
      }
    }
    sftp?.end();
    client?.end();
    await this.closed;
    rmSync(this.source, { force: true });
  }

  report(): SessionReport {
    return {
      index: this.index,
      username: this.username,
      ...(this.failure ? { failure: this.failure } : {}),
      commandsOk: this.commandsOk,
      commandMs: this.commandMs,
      roundTrips: this.roundTrips,
      hashMismatches: this.hashMismatches,
      bytesUp: this.bytesUp,
      bytesDown: this.bytesDown,
      shellBytes: this.shellBytes,
      sourceSha256: this.sourceSha256,
      remotePath: this.remotePath,
    };
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function runSessions(settings: SessionsConfig): void {
  mkdirSync(settings.workDir, { recursive: true });
  const sessions = settings.sessions.map((s) => new Session(s.index, s.username, settings));
  const failures = () =>
    sessions.flatMap((s) => (s.failure ? [`${s.username}#${s.index}: ${s.failure}`] : []));
  const ok = () => sessions.filter((s) => !s.failure).length;
  let cpuStart = process.cpuUsage();
  let finished = false;
  process.on('message', (command: ParentCommand) => {
    void (async () => {
      switch (command.type) {
        case 'connect':
          await limited(sessions, settings.maxHandshakes, (s) => s.connect());
          send({ type: 'connected', ok: ok(), failures: failures() });
          break;
        case 'open':
          await limited(sessions, settings.maxHandshakes, (s) => s.open());
          send({ type: 'opened', ok: ok(), failures: failures() });
          break;
        case 'run':
          cpuStart = process.cpuUsage();
          for (const s of sessions) s.run();
          send({ type: 'running' });
          break;
        case 'stop':
          await Promise.all(sessions.map((s) => s.stop()));
          send({
            type: 'stopped',
            sessions: sessions.map((s) => s.report()),
            cpuSeconds: cpuSeconds(cpuStart),
          });
          break;
        case 'close':
          await Promise.all(sessions.map((s) => s.close()));
          send({ type: 'closed', failures: failures() });
          finished = true;
          process.disconnect();
          break;
        default:
          break;
      }
    })();
  });
  // Without the parent nobody will say stop or close: the connections would keep the process alive.
  process.once('disconnect', () => {
    if (!finished) process.exit(1);
  });
  send({ type: 'ready' });
}

// ─── Connection rate ─────────────────────────────────────────────────────────────────────────────

/** One connection: handshake, authentication, optionally `true` and its exit status, disconnect. */
async function oneConnection(settings: RateConfig, onNegotiated: (n: Record<string, unknown>) => void) {
  const client = new ssh2.Client();
  client.once('handshake', (negotiated) =>
    onNegotiated({
      kex: negotiated.kex,
      serverHostKey: negotiated.serverHostKey,
      cipher: negotiated.cs.cipher,
    }),
  );
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
  });
  // Errors after the first one (or after ready) end in 'close' too; only the first is the reason.
  client.on('error', () => undefined);
  client.connect({
    host: settings.server.host,
    port: settings.server.port,
    username: settings.username,
    privateKey,
    readyTimeout: settings.readyTimeoutMs,
    algorithms: { serverHostKey: settings.server.hostKeyAlgorithms as ssh2.ServerHostKeyAlgorithm[] },
    hostVerifier: (key: Buffer) => `SHA256:${sha256Base64(key)}` === settings.server.hostKeySha256,
  });
  try {
    await ready;
    if (settings.exec) {
      const code = await new Promise<number | null>((resolve, reject) =>
        client.exec('true', (error, stream) => {
          if (error) return reject(error);
          let status: number | null = null;
          stream.once('exit', (exitCode: number | null) => (status = exitCode));
          stream.once('close', () => resolve(status));
          stream.resume();
          stream.stderr.resume();
        }),
      );
      if (code !== 0) throw new Error(`true exited with ${code}`);
    }
  } finally {
    client.end();
    await closed;
  }
}

function runRate(settings: RateConfig): void {
  let negotiated: Record<string, unknown> | undefined;
  process.once('message', (command: ParentCommand) => {
    if (command.type !== 'go') return;
    void (async () => {
      const started = Date.now();
      const cpuStart = process.cpuUsage();
      const deadline = settings.durationMs === undefined ? Infinity : started + settings.durationMs;
      let begun = 0;
      let completed = 0;
      let failed = 0;
      const errors: string[] = [];
      const more = () => Date.now() < deadline && (settings.count === undefined || begun < settings.count);
      const loop = async () => {
        while (more()) {
          begun++;
          try {
            await oneConnection(settings, (n) => (negotiated ??= n));
            completed++;
          } catch (error) {
            failed++;
            if (errors.length < 10) errors.push(describe(error));
          }
        }
      };
      await Promise.all(Array.from({ length: settings.concurrency }, loop));
      send({
        type: 'rate',
        completed,
        failed,
        errors,
        elapsedMs: Date.now() - started,
        cpuSeconds: cpuSeconds(cpuStart),
        ...(negotiated ? { negotiated } : {}),
      });
      process.disconnect();
    })();
  });
  send({ type: 'ready' });
}

if (config.mode === 'sessions') runSessions(config);
else runRate(config);
