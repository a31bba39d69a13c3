import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { nodeGroupDisplayName } from '../../store/nodeGroups.ts';
import type { Store } from '../../store/Store.ts';
import { EnvironmentStatus, type EnvironmentRecord, type NodeRecord, type User } from '../../store/types.ts';
import type { Authenticator } from '../Authenticator.ts';
import { ApiError, ResultCode, success } from '../envelope.ts';
import type { EnvironmentLifecycle } from '../EnvironmentLifecycle.ts';
import { registerMethod } from '../method.ts';

const PREFIXES = ['environment/control'];
const ENV_NAME = {
  maxLength: 64,
  pattern: {
    source: '^[a-z0-9][a-z0-9-]*$',
    describe: 'must be an environment name (lower-case letters, digits, dashes)',
  },
};

const STATUS_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(EnvironmentStatus).map(([name, code]) => [
    code,
    `ENV_STATUS_TYPE_${name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`,
  ]),
);

/** Jelastic's `createdOn` form: `YYYY-MM-DD HH:MM:SS`, UTC. */
const createdOn = (date: Date): string => date.toISOString().slice(0, 19).replace('T', ' ');

const envView = (env: EnvironmentRecord) => ({
  envName: env.envName,
  shortdomain: env.shortdomain,
  domain: env.domain,
  displayName: env.envName,
  status: env.status,
  uid: env.ownerUid,
  appid: createHash('sha1').update(env.envName).digest('hex').slice(0, 32),
  createdOn: createdOn(env.createdAt),
});

const nodeView = (env: EnvironmentRecord, node: NodeRecord) => ({
  id: node.id,
  nodeGroup: node.nodeGroup,
  nodeType: node.nodeType,
  name: node.name,
  displayName: node.displayName ?? node.name,
  intIP: node.intIP,
  address: node.intIP,
  extIPs: node.extIPs,
  ismaster: node.isMaster,
  // Jelastic's node status: 1 running, 2 down; a node runs exactly when its environment does.
  status: env.status === EnvironmentStatus.Running ? 1 : 2,
  url: `http://node${node.id}-${env.domain}`,
});

function groupsOf(nodes: readonly NodeRecord[]) {
  const names = [...new Set(nodes.map((node) => node.nodeGroup))];
  return names.map((name) => ({ name, displayName: nodeGroupDisplayName(name) }));
}

function wrongStatus(env: EnvironmentRecord, required: readonly EnvironmentStatus[]): ApiError {
  return new ApiError(
    ResultCode.WrongEnvironmentStatus,
    `Not allowed to execute this service for current Environment status [${STATUS_NAMES[env.status]}]. ` +
      `Required statuses [${required.map((s) => STATUS_NAMES[s]).join(', ')}]`,
  );
}

export function environmentRoutes(
  app: FastifyInstance,
  auth: Authenticator,
  store: Store,
  lifecycle: EnvironmentLifecycle,
): void {
  async function ownedEnvironment(user: User, envName: string): Promise<EnvironmentRecord> {
    const env = await store.getEnvironment(envName);
    if (!env) throw new ApiError(ResultCode.NotFound, `Environment '${envName}' not found.`);
    if (env.ownerUid !== user.uid) {
      throw new ApiError(ResultCode.PermissionDenied, `You have no access to environment '${envName}'.`);
    }
    return env;
  }

  async function info(env: EnvironmentRecord) {
    const nodes = await store.listNodes(env.envName);
    return {
      env: envView(env),
      nodes: nodes.map((node) => nodeView(env, node)),
      nodeGroups: groupsOf(nodes),
    };
  }

  registerMethod(
    app,
    PREFIXES,
    'getenvs',
    { session: { maxLength: 256 }, lazy: { optional: true, maxLength: 8 } },
    async (p, call) => {
      const user = await auth.requireUser(p.session, call.method);
      const envs = await store.listEnvironments(user.uid);
      // Jelastic: lazy "loads only the main environment metadata" — no nodes, no node groups.
      if (p.lazy?.toLowerCase() === 'true')
        return success({ infos: envs.map((env) => ({ env: envView(env) })) });
      return success({ infos: await Promise.all(envs.map(info)) });
    },
  );

  registerMethod(
    app,
    PREFIXES,
    'getenvinfo',
    { session: { maxLength: 256 }, envName: ENV_NAME },
    async (p, call) => {
      const user = await auth.requireUser(p.session, call.method);
      return success({ right: 'OWNER', ...(await info(await ownedEnvironment(user, p.envName))) });
    },
  );

  /**
   * A status change: checks the current status, marks the transition, runs the lifecycle hook,
   * and on failure puts the environment back where it was.
   */
  function transition(
    name: string,
    from: readonly EnvironmentStatus[],
    during: EnvironmentStatus,
    to: EnvironmentStatus,
    run: (envName: string) => Promise<void>,
  ): void {
    registerMethod(
      app,
      PREFIXES,
      name,
      { session: { maxLength: 256 }, envName: ENV_NAME },
      async (p, call) => {
        const user = await auth.requireUser(p.session, call.method);
        const env = await ownedEnvironment(user, p.envName);
        if (!from.includes(env.status)) throw wrongStatus(env, from);
        await store.setEnvironmentStatus(env.envName, during);
        try {
          await run(env.envName);
        } catch (error) {
          await store.setEnvironmentStatus(env.envName, env.status);
          throw error;
        }
        await store.setEnvironmentStatus(env.envName, to);
        return success();
      },
    );
  }

  const { Running, Down, Sleep, Launching, Stopping, GoingToSleep } = EnvironmentStatus;
  transition('startenv', [Down, Sleep], Launching, Running, (env) => lifecycle.start(env));
  transition('stopenv', [Running, Sleep], Stopping, Down, (env) => lifecycle.stop(env));
  transition('sleepenv', [Running], GoingToSleep, Sleep, (env) => lifecycle.stop(env));
}
