import { issueAccessToken } from '../api/accessTokens.ts';
import type { Store } from '../store/Store.ts';
import { DEMO_DATABASE, DEMO_DATABASES, DEMO_TOKENS, DEMO_USERS } from './demoData.ts';
import type { SandboxNodes } from './SandboxNodes.ts';

export interface SandboxGatewayInfo {
  host: string;
  port: number;
  /** The RSA host key's fingerprints: the key the real service shows and users pin. */
  hostKey: { sha256: string; md5: string };
  /** The Ed25519 host key, also offered to clients that prefer it. */
  hostKeyEd25519: { sha256: string; md5: string };
  /** User key types the gateway accepts, as OpenSSH names them, e.g. `["ssh-rsa"]`. */
  keyTypes: string[];
}

export interface SandboxReadyUser {
  uid: number;
  login: string;
  password: string;
  /** Only for the two-factor account: its RFC 6238 secret (base32, SHA-1, 6 digits, 30 s). */
  totpSecret?: string;
}

export interface SandboxReadyToken {
  login: string;
  /** The personal access token, usable as the `session` parameter. */
  token: string;
  /** Its apiList: the API methods it may call (plus CheckSign and GetUserInfo, which any token may). */
  methods: string[];
}

export interface SandboxReadyDatabase {
  node: number;
  engine: 'mysql' | 'postgresql';
  name: string;
  user: string;
  password: string;
}

/** The `--json` ready line's object: everything a client or test needs to reach the sandbox. */
export interface SandboxReady {
  event: 'ready';
  api: string;
  gateway: SandboxGatewayInfo | null;
  users: SandboxReadyUser[];
  /** Made at this start (the store keeps only hashes): demo's full token first, then GetEnvs only. */
  tokens: SandboxReadyToken[];
  /** Each node's sshd (behind the gateway) and the user it logs in as: the service's own when isolated. */
  nodes: {
    id: number;
    envName: string;
    host: string | null;
    port: number | null;
    user: string | null;
    /** An isolated Apache node's web server (`service httpd`), serving /var/www/webroot/ROOT. */
    web: string | null;
  }[];
  /** The MariaDB node's database (as before there was a second one); also first in `databases`. */
  database: { node: number; name: string; user: string; password: string } | null;
  /** Every running database node's database: MariaDB (518840) and PostgreSQL (518860). */
  databases: SandboxReadyDatabase[];
  data: string;
}

function webOf(nodes: SandboxNodes, nodeId: number): string | null {
  const port = nodes.server(nodeId)?.webPort;
  return port === undefined ? null : `http://127.0.0.1:${port}`;
}

/** Issues the demo access tokens of DEMO_TOKENS, in order. */
async function issueDemoTokens(store: Store): Promise<SandboxReadyToken[]> {
  const tokens: SandboxReadyToken[] = [];
  for (const demo of DEMO_TOKENS) {
    const user = await store.getUser(demo.uid);
    if (!user) throw new Error(`Demo token for uid ${demo.uid}: there is no such user.`);
    const { token, record } = await issueAccessToken(store, { ...demo, expiresAt: null });
    tokens.push({ login: user.login, token, methods: record.methods });
  }
  return tokens;
}

export async function readyObject(
  store: Store,
  nodes: SandboxNodes,
  api: string,
  gateway: SandboxGatewayInfo | null,
  dataDir: string,
): Promise<SandboxReady> {
  const envs = (await Promise.all(DEMO_USERS.map((user) => store.listEnvironments(user.uid)))).flat();
  const nodeList = (await Promise.all(envs.map((env) => store.listNodes(env.envName)))).flat();
  const users: SandboxReadyUser[] = [];
  for (const { uid, login, password, twoFactor } of DEMO_USERS) {
    const totpSecret = twoFactor ? await store.getTotpSecret(uid) : null;
    users.push({ uid, login, password, ...(totpSecret ? { totpSecret } : {}) });
  }
  const databases = DEMO_DATABASES.flatMap(({ node, engine }) => {
    const found = nodes.credentialsOf(node);
    return found ? [{ node, engine, name: found.database, user: found.user, password: found.password }] : [];
  });
  const mariadb = databases.find((db) => db.node === DEMO_DATABASE.node);
  return {
    event: 'ready',
    api,
    gateway,
    users,
    tokens: await issueDemoTokens(store),
    nodes: nodeList
      .sort((a, b) => a.id - b.id)
      .map((node) => ({
        id: node.id,
        envName: node.envName,
        host: node.access?.host ?? null,
        port: node.access?.port ?? null,
        user: node.access?.user ?? null,
        web: webOf(nodes, node.id),
      })),
    database: mariadb
      ? { node: mariadb.node, name: mariadb.name, user: mariadb.user, password: mariadb.password }
      : null,
    databases,
    data: dataDir,
  };
}
