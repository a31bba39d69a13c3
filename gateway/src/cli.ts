import { parseArgs } from 'node:util';
import type { KeyApi } from './api/routes/sshKeys.ts';
import { Sandbox, SANDBOX_ENVIRONMENT_CHANGE_MS, type SandboxReady } from './sandbox/Sandbox.ts';
import { startStandaloneGateway } from './sandbox/standaloneGateway.ts';
import { parseKeyTypes } from './ssh/KeyPolicy.ts';

const USAGE = `Usage: enscale-gateway sandbox [options]
       enscale-gateway gateway --data DIR [--port N] [--host H] [--key-types LIST] [--json]
                               [--expose-demo-accounts-on-network]

Starts the Enscale platform in miniature: the dashboard API, demo environments whose nodes are
real OpenSSH servers, and a private MariaDB behind the database node.

Options:
  --data DIR       data folder (default: a fresh temp folder, removed on exit unless --keep)
  --keep           keep the data folder on exit
  --api-port N     platform API port (default 8022; 0 picks a free port)
  --port N         SSH gateway port (default 3022; 0 picks a free port)
  --key-types LIST user key types the gateway accepts: rsa (default, like the real
                   service), or a comma list of rsa, ed25519, ecdsa. DSA never.
  --key-api WHERE  where the API serves the SSH key methods: both (default),
                   users (users/account only, as older installs) or management
                   (management/account only)
  --host H         address the API and gateway listen on (default 127.0.0.1). Any
                   address other than loopback needs the next flag too: the demo
                   accounts' passwords are published
  --expose-demo-accounts-on-network
                   serve on a non-loopback --host anyway
  --json           print exactly one JSON line on stdout when ready, nothing else
  -h, --help       this text

gateway: only the SSH gateway, for the sandbox whose data folder is DIR (its store,
node-access key, host keys and audit log), e.g. to stop and restart the gateway while
the sandbox's nodes and API run on. --port defaults to 3022.
`;

function portOption(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a port number from 0 to 65535 (got '${value}').`);
  }
  return port;
}

const KEY_APIS: readonly KeyApi[] = ['both', 'users', 'management'];

function keyApiOption(value: string | undefined): KeyApi | undefined {
  if (value === undefined) return undefined;
  const found = KEY_APIS.find((choice) => choice === value.trim().toLowerCase());
  if (!found) throw new Error(`--key-api must be one of ${KEY_APIS.join(', ')} (got '${value}').`);
  return found;
}

function summary(ready: SandboxReady): string {
  const lines = [
    'Enscale sandbox is running.',
    `  Platform API:  ${ready.api}/1.0/`,
    ready.gateway
      ? `  SSH gateway:   ${ready.gateway.host} port ${ready.gateway.port}  (host key ${ready.gateway.hostKey.sha256}, MD5 ${ready.gateway.hostKey.md5})`
      : '  SSH gateway:   not started',
    '  Users:',
    ...ready.users.map(
      (user) =>
        `    uid ${user.uid}  ${user.login} / ${user.password}` +
        (user.totpSecret ? `  (two-factor; TOTP secret ${user.totpSecret})` : ''),
    ),
    '  Access tokens (use as the session parameter):',
    ...ready.tokens.map(
      (token) =>
        `    ${token.login}  ${token.token}  ${token.methods.length === 1 ? token.methods[0] : `${token.methods.length} methods`}`,
    ),
    '  Nodes:',
    ...ready.nodes.map(
      (node) =>
        `    ${node.id}  ${node.envName.padEnd(9)} ${node.port === null ? 'stopped' : `sshd ${node.host}:${node.port} as ${node.user}`}` +
        (node.web ? `, web ${node.web}` : ''),
    ),
  ];
  for (const db of ready.databases) {
    lines.push(
      `  Database node ${db.node} (${db.engine === 'mysql' ? 'MariaDB' : 'PostgreSQL'}):`,
      `    Database: ${db.name}`,
      `    Login:    ${db.user}`,
      `    Password: ${db.password}`,
    );
  }
  if (ready.gateway) {
    const { host, port } = ready.gateway;
    lines.push(
      '  Try it (after adding your public key: addsshkey, or enscale-ssh keys sync; RSA keys by default):',
      `    ssh -p ${port} 518839-4856@${host}        a node, as scripts do`,
      `    ssh -t -p ${port} 4856@${host}            the gateway's menu`,
    );
  }
  lines.push(`  Data folder:   ${ready.data}`, 'Press Ctrl-C to stop.');
  return lines.join('\n');
}

async function sandbox(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'api-port': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'expose-demo-accounts-on-network': { type: 'boolean', default: false },
      'key-types': { type: 'string' },
      'key-api': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const keyApi = keyApiOption(values['key-api']);
  const started = await Sandbox.start({
    ...(values.data ? { dataDir: values.data } : {}),
    keep: values.keep,
    ...(values.host ? { host: values.host } : {}),
    exposeOnNetwork: values['expose-demo-accounts-on-network'],
    apiPort: portOption(values['api-port'], 8022, '--api-port'),
    gatewayPort: portOption(values.port, 3022, '--port'),
    environmentChangeMs: SANDBOX_ENVIRONMENT_CHANGE_MS,
    ...(values['key-types'] ? { gatewayOptions: { keyTypes: parseKeyTypes(values['key-types']) } } : {}),
    ...(keyApi ? { keyApi } : {}),
  });
  process.stdout.write((values.json ? JSON.stringify(started.ready) : summary(started.ready)) + '\n');
  return untilStopped('the sandbox', () => started.stop(), values.json);
}

async function gatewayAlone(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      host: { type: 'string' },
      'expose-demo-accounts-on-network': { type: 'boolean', default: false },
      port: { type: 'string' },
      'key-types': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.data) throw new Error('gateway needs --data DIR, the data folder of a sandbox.');
  const started = await startStandaloneGateway({
    dataDir: values.data,
    ...(values.host ? { host: values.host } : {}),
    exposeOnNetwork: values['expose-demo-accounts-on-network'],
    port: portOption(values.port, 3022, '--port'),
    ...(values['key-types'] ? { gatewayOptions: { keyTypes: parseKeyTypes(values['key-types']) } } : {}),
  });
  const { gateway } = started.ready;
  process.stdout.write(
    (values.json
      ? JSON.stringify(started.ready)
      : `SSH gateway for ${started.ready.data} on ${gateway.host} port ${gateway.port} (host key ${gateway.hostKey.sha256}). Press Ctrl-C to stop.`) +
      '\n',
  );
  return untilStopped('the gateway', () => started.stop(), values.json);
}

/**
 * Runs until SIGINT, SIGTERM or SIGHUP, or until whoever started us goes away, then stops `what` in
 * order (a gateway says goodbye to its clients and closes its audit log) and resolves the exit status.
 */
function untilStopped(what: string, stopIt: () => Promise<void>, quiet: boolean): Promise<number> {
  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (reason: string) => {
      if (stopping) return;
      stopping = true;
      clearInterval(orphanWatch);
      if (!quiet) process.stderr.write(`Stopping ${what} (${reason})…\n`);
      stopIt().then(
        () => resolveExit(0),
        (error: unknown) => {
          process.stderr.write(`Error while stopping: ${String(error)}\n`);
          resolveExit(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGHUP', () => stop('SIGHUP'));
    // When whoever started us dies without a signal, we are re-parented: stop rather than linger.
    const parent = process.ppid;
    const orphanWatch = setInterval(() => {
      if (process.ppid !== parent) stop('parent process ended');
    }, 1000);
  });
}

/** The `enscale-gateway` command. Returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'sandbox':
        return await sandbox(rest);
      case 'gateway':
        return await gatewayAlone(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`Unknown command '${command}'.\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { port?: number };
    const message =
      e.code === 'EADDRINUSE'
        ? `Port ${e.port ?? ''} is already in use (another sandbox?). Stop it, or pass --api-port / --port with another port (0 picks a free one).`
        : error instanceof Error
          ? error.message
          : String(error);
    process.stderr.write(`enscale-gateway: ${message}\n`);
    return 1;
  }
}
