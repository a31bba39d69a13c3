import type { MessageEvent, MessagePortMain } from 'electron';
import type { Sandbox } from '@enscale-ssh/gateway';
import { mkdirSync } from 'node:fs';
import { RpcHost } from '../../shared/src/rpc/RpcHost.ts';
import { Core } from '../core/Core.ts';
import { sandboxProfile } from '../core/platform/sandboxProfile.ts';
import {
  type CoreActivity,
  isCoreProcessCommand,
  isOpenPathAnswer,
  parseCoreProcessArgs,
} from './commandLine.ts';
import { OpenPathBridge } from './openPathBridge.ts';
import { messagePortMainChannel } from './portChannel.ts';

// The core in Electron's utility process: SSH crypto, transfers and local shells run here, so they
// never block the window or main. Main forks this file, then sends `connect` with one end of a
// MessageChannelMain for each page load (the other end went to that page), and `stop` on quit.
// Only types come from `electron`; the utility process reaches its parent through process.parentPort.

const options = parseCoreProcessArgs(process.argv.slice(2));
mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
// Files open with the OS's application through main's `shell.openPath`: this process has no `shell`.
const opener = new OpenPathBridge((request) => process.parentPort.postMessage(request));
const core = new Core({
  dataDir: options.dataDir,
  interactive: true,
  openPath: opener.openPath,
  // The SSH agent follows Settings → SSH agent, on by default.
  agent: 'settings',
  ...(options.keychainService ? { keychainService: options.keychainService } : {}),
});
const services = core.exposed();
// Development builds run the platform in miniature beside the core, fresh on every start (as the
// browser host's --sandbox does): its demo account is signed into again and the key synced again.
const sandbox = options.sandbox ? await startSandbox() : undefined;

async function startSandbox(): Promise<Sandbox | undefined> {
  const { Sandbox, SANDBOX_ENVIRONMENT_CHANGE_MS } = await import('@enscale-ssh/gateway');
  try {
    const started = await Sandbox.start({
      apiPort: 0,
      gatewayPort: 0,
      environmentChangeMs: SANDBOX_ENVIRONMENT_CHANGE_MS,
    });
    await core.platform.offerPreset(sandboxProfile(started.ready));
    return started;
  } catch (error) {
    // Without its sandbox the core still serves the window, which offers the real platforms; the
    // reason goes to the log (e.g. "The sandbox needs Linux…" on Windows and macOS).
    process.stderr.write(`core: no sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  }
}
const hosts = new Set<RpcHost>();

function serve(port: MessagePortMain): void {
  const rpc = new RpcHost(messagePortMainChannel(port), services);
  hosts.add(rpc);
  // A page that reloads or closes drops its port; what it opened stays open in the core.
  port.once('close', () => {
    rpc.close();
    hosts.delete(rpc);
  });
}

process.parentPort.on('message', (event: MessageEvent) => {
  const command: unknown = event.data;
  if (isOpenPathAnswer(command)) return opener.answer(command);
  if (!isCoreProcessCommand(command)) return;
  if (command.kind === 'connect') {
    const [port] = event.ports;
    if (port) serve(port);
    return;
  }
  if (command.kind === 'activity') {
    process.parentPort.postMessage({ kind: 'activity', ...core.activity() } satisfies CoreActivity);
    return;
  }
  for (const rpc of hosts) rpc.close();
  hosts.clear();
  core.close();
  void (sandbox?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});

const report = (error: unknown) =>
  process.stderr.write(`core: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
// Something unexpected leaves the core in an unknown state: it stops, main logs what is written here
// and starts a fresh core for the page.
const fail = (error: unknown) => {
  report(error);
  core.close();
  process.exit(1);
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
console.log(`core: ready (data folder ${options.dataDir})`);
