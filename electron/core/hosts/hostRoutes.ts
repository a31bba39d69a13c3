import { InvalidInput } from '../../../shared/src/errors.ts';
import { hostTarget, type SavedHost } from '../../../shared/src/hosts.ts';
import type { KeyVault } from '../keys/KeyVault.ts';
import type { PlainHostRoute, PlainHostRoutes } from '../ssh/connectionRoute.ts';
import type { HostStore } from './HostStore.ts';

export type AgentPlatform = 'linux' | 'darwin' | 'win32';

/** Windows and macOS as themselves; every other Unix finds its agent as Linux does. */
export const agentPlatform = (platform: NodeJS.Platform): AgentPlatform =>
  platform === 'win32' || platform === 'darwin' ? platform : 'linux';

/**
 * The user's own SSH agent, as OpenSSH finds it: `SSH_AUTH_SOCK`; on Windows without it, Pageant
 * (ssh2 talks to it through its bundled helper), since people coming from PuTTY keep their keys there.
 */
export function userAgentPath(platform: AgentPlatform, env: NodeJS.ProcessEnv): string {
  const socket = env['SSH_AUTH_SOCK'];
  if (socket) return socket;
  if (platform === 'win32') return 'pageant';
  throw new InvalidInput(
    'This host signs in with your SSH agent, but no agent is running here (SSH_AUTH_SOCK is not set). ' +
      'Start one (eval "$(ssh-agent)"; ssh-add), or choose a key for the host (Hosts → Edit).',
  );
}

export interface HostRoutesOptions {
  store: HostStore;
  vault: Pick<KeyVault, 'get' | 'privateKeyFor'>;
  platform: AgentPlatform;
  env: NodeJS.ProcessEnv;
}

/** How the connections reach each saved host: read afresh at every (re)connect, so an edit counts. */
export function hostRoutes(options: HostRoutesOptions): PlainHostRoutes {
  return async (hostId) => {
    const {
      host,
      jumps: [jump],
    } = await options.store.withJumps(hostId);
    const route: PlainHostRoute = {
      name: host.name,
      host: host.host,
      port: host.port,
      username: host.user,
      auth: authOf(host, options),
      ...(jump ? { via: hostTarget(jump) } : {}),
    };
    return route;
  };
}

function authOf(host: SavedHost, options: HostRoutesOptions): PlainHostRoute['auth'] {
  const { auth } = host;
  if (auth.kind === 'agent') return { agent: userAgentPath(options.platform, options.env) };
  return {
    identities: async () => {
      const key = await options.vault.get(auth.keyId);
      return [{ name: key.name, privateKey: await options.vault.privateKeyFor(auth.keyId) }];
    },
  };
}
