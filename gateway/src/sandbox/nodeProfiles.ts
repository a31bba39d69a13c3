/**
 * Who a node's sessions run as, and where they land, by node type, as on Enscale's nodes: "you are
 * logged into each node as the primary system user for that given service" (the platform's knowledge
 * base), with a home of the service's own and `sudo` only for the service's init script. The ids are
 * the ones CentOS-based stacks use (apache 48, mysql 27, postgres 26), so `ls -ln` on a node looks as
 * it does there.
 */
export interface NodeProfile {
  user: string;
  uid: number;
  gid: number;
  /** The user's home: where a terminal and the file pane start. */
  home: string;
  /** Folders made inside the home at first start (node paths), e.g. the web root. */
  folders: readonly string[];
  /** The init scripts `sudo service NAME ACTION` may run, and the actions allowed. */
  services: readonly string[];
}

/** What `sudo service NAME …` may do without a password; anything else asks for one. */
export const SERVICE_ACTIONS = ['start', 'stop', 'restart', 'reload', 'status', 'configtest'] as const;

const APACHE: NodeProfile = {
  user: 'apache',
  uid: 48,
  gid: 48,
  home: '/var/www',
  folders: ['webroot', 'webroot/ROOT'],
  services: ['httpd'],
};

const MYSQL: NodeProfile = {
  user: 'mysql',
  uid: 27,
  gid: 27,
  home: '/var/lib/mysql',
  folders: [],
  services: ['mysql', 'mariadb'],
};

const POSTGRES: NodeProfile = {
  user: 'postgres',
  uid: 26,
  gid: 26,
  home: '/var/lib/pgsql',
  folders: [],
  services: ['postgresql'],
};

/** The profile of a node type as the platform names it (`apache2`, `mariadb10`, `postgres15`, …). */
export function nodeProfile(nodeType: string): NodeProfile {
  if (/^(mariadb|mysql|percona)/i.test(nodeType)) return MYSQL;
  if (/^postgres/i.test(nodeType)) return POSTGRES;
  return APACHE;
}

/** The platform's host name of a node: `node518839-shop.sandbox.local`. */
export function nodeHostname(nodeId: number, envName: string): string {
  return `node${nodeId}-${envName}.sandbox.local`;
}
