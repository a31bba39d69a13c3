/*
 * A sandbox with its gateway in a process of its own, so that a fuzz test can measure the gateway's
 * memory without the test's clients in it. Started by SandboxProcess (fork, --expose-gc); answers
 * requests on the IPC channel. Usage: node --expose-gc --import tsx sandboxChild.ts 'GATEWAY_OPTIONS_JSON'
 */
import { parsePublicKey } from '../../../src/keys/publicKey.ts';
import { Sandbox } from '../../../src/sandbox/Sandbox.ts';
import type { GatewayOptions } from '../../../src/ssh/GatewayOptions.ts';
import type { ChildReply, ChildRequest } from './sandboxProtocol.ts';

const gatewayOptions = JSON.parse(process.argv[2] ?? '{}') as Partial<GatewayOptions>;
const sandbox = await Sandbox.start({ apiPort: 0, gatewayPort: 0, gatewayOptions });
const send = (reply: ChildReply) => process.send?.(reply);
send({ type: 'ready', ready: sandbox.ready, dataDir: sandbox.dataDir });

/** Full collections first, so what is left is what the gateway really holds. */
function memory() {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('start with --expose-gc');
  collect();
  collect();
  const usage = process.memoryUsage();
  return {
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
  };
}

async function handle(request: ChildRequest): Promise<unknown> {
  switch (request.type) {
    case 'memory':
      return memory();
    case 'registerKey': {
      const info = parsePublicKey(request.publicKey);
      await sandbox.store.addKey({
        uid: request.uid,
        title: 'fuzz',
        algorithm: info.algorithm,
        bits: info.bits,
        publicKey: info.openssh,
        fingerprintSha256: info.fingerprintSha256,
        fingerprintMd5: info.fingerprintMd5,
      });
      return null;
    }
    case 'stop':
      await sandbox.stop();
      return null;
  }
}

process.on('message', (message: ChildRequest & { id: number }) => {
  handle(message).then(
    (value) => {
      send({ type: 'reply', id: message.id, value });
      if (message.type === 'stop') process.disconnect();
    },
    (error: unknown) => send({ type: 'reply', id: message.id, error: String(error) }),
  );
});
process.on('disconnect', () => {
  // The test process went away without a stop: the sandbox's own children stop with us (pdeathsig).
  void sandbox.stop().finally(() => process.exit(0));
});
