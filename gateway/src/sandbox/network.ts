import { createServer, connect } from 'node:net';

/** A port that was free a moment ago on `host` (for programs that cannot bind port 0 themselves). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Resolves once something at the address answers with bytes that satisfy `accept`. */
function probe(
  options: { host: string; port: number } | { path: string },
  accept: (data: Buffer) => boolean,
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(options);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(accept(data)));
  });
}

export interface WaitOptions {
  /** Stop waiting when this resolves (the process died); its value explains why. */
  abort: Promise<string>;
  timeoutMs: number;
  what: string;
}

/** Polls until a server greets us, the process dies, or the time runs out. */
export async function waitForGreeting(
  address: { host: string; port: number } | { path: string },
  accept: (data: Buffer) => boolean,
  { abort, timeoutMs, what }: WaitOptions,
): Promise<void> {
  let aborted: string | undefined;
  void abort.then((reason) => (aborted = reason));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (aborted !== undefined) throw new Error(`${what} exited before it was ready (${aborted}).`);
    if (await probe(address, accept)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} was not ready after ${timeoutMs / 1000} s.`);
}

export const isSshBanner = (data: Buffer): boolean => data.toString('latin1').startsWith('SSH-');

/** 127.0.0.0/8, ::1 and localhost: addresses no other computer can reach. */
export function isLoopbackAddress(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    bare === 'localhost' ||
    bare === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(bare) ||
    /^::ffff:127(\.\d{1,3}){3}$/.test(bare)
  );
}

/** The flag that must be given, on top of `--host`, to serve the sandbox beyond this computer. */
export const EXPOSE_FLAG = '--expose-demo-accounts-on-network';

/**
 * The sandbox's demo accounts have published passwords (demo/demo) and its nodes accept their
 * keys: served on a network address, anyone on that network signs in. So a non-loopback host is
 * refused unless the caller also names that risk.
 */
export function checkSandboxHost(host: string, exposeOnNetwork: boolean | undefined): void {
  if (isLoopbackAddress(host) || exposeOnNetwork) return;
  throw new Error(
    `Refusing to serve the sandbox on ${host}: its demo accounts have published passwords, so anyone ` +
      `who can reach ${host} could sign in and open its nodes. Use 127.0.0.1 (the default), or add ` +
      `${EXPOSE_FLAG} if every computer on that network is yours.`,
  );
}
