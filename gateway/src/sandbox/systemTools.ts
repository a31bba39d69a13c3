import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A program the sandbox needs from the operating system, and the Debian package that has it. */
interface ToolSpec {
  names: readonly string[];
  debianPackage: string;
  /** Environment variable that overrides the lookup (used by tests, and for unusual installs). */
  override: string;
  /** Absolute places to try after PATH; sbin is often missing from a non-root PATH. */
  extraPaths?: readonly string[];
  /**
   * Absolute places to try before PATH: Debian's /usr/bin/psql and pg_isready are a Perl wrapper
   * that took 56–81 ms a call where the program itself took 24 (measured); the sandbox runs
   * pg_isready every 50 ms while PostgreSQL starts.
   */
  firstPaths?: readonly string[];
}

/** The PostgreSQL versions Debian installed under /usr/lib/postgresql, newest first (read once). */
const POSTGRES_VERSIONS: readonly string[] = (() => {
  try {
    return readdirSync('/usr/lib/postgresql')
      .filter((version) => /^\d+$/.test(version))
      .sort((a, b) => Number(b) - Number(a));
  } catch {
    return [];
  }
})();

/** Debian keeps PostgreSQL's server programs off PATH, in /usr/lib/postgresql/VERSION/bin. */
const postgresBin = (name: string): string[] =>
  POSTGRES_VERSIONS.map((version) => `/usr/lib/postgresql/${version}/bin/${name}`);

const SPECS = {
  sshd: { names: ['sshd'], debianPackage: 'openssh-server', override: 'ENSCALE_SSHD' },
  sftpServer: {
    names: ['sftp-server'],
    debianPackage: 'openssh-server',
    override: 'ENSCALE_SFTP_SERVER',
    extraPaths: [
      '/usr/lib/openssh/sftp-server',
      '/usr/libexec/sftp-server',
      '/usr/libexec/openssh/sftp-server',
    ],
  },
  sshKeygen: { names: ['ssh-keygen'], debianPackage: 'openssh-client', override: 'ENSCALE_SSH_KEYGEN' },
  mariadbd: { names: ['mariadbd', 'mysqld'], debianPackage: 'mariadb-server', override: 'ENSCALE_MARIADBD' },
  mariadbInstallDb: {
    names: ['mariadb-install-db', 'mysql_install_db'],
    debianPackage: 'mariadb-server',
    override: 'ENSCALE_MARIADB_INSTALL_DB',
  },
  mariadb: {
    names: ['mariadb', 'mysql'],
    debianPackage: 'mariadb-client',
    override: 'ENSCALE_MARIADB_CLIENT',
  },
  initdb: {
    names: ['initdb'],
    debianPackage: 'postgresql',
    override: 'ENSCALE_INITDB',
    extraPaths: postgresBin('initdb'),
  },
  postgres: {
    names: ['postgres'],
    debianPackage: 'postgresql',
    override: 'ENSCALE_POSTGRES',
    extraPaths: postgresBin('postgres'),
  },
  pgIsReady: {
    names: ['pg_isready'],
    debianPackage: 'postgresql-client',
    override: 'ENSCALE_PG_ISREADY',
    firstPaths: postgresBin('pg_isready'),
  },
  psql: {
    names: ['psql'],
    debianPackage: 'postgresql-client',
    override: 'ENSCALE_PSQL',
    firstPaths: postgresBin('psql'),
  },
  setpriv: { names: ['setpriv'], debianPackage: 'util-linux', override: 'ENSCALE_SETPRIV' },
  // Isolated nodes (the sandbox run as root): namespaces, and the Apache node's web server.
  unshare: { names: ['unshare'], debianPackage: 'util-linux', override: 'ENSCALE_UNSHARE' },
  busybox: { names: ['busybox'], debianPackage: 'busybox', override: 'ENSCALE_BUSYBOX' },
  // A database node's own 3306 / 5432, leading to the sandbox's server (nodeNetwork.ts).
  socat: { names: ['socat'], debianPackage: 'socat', override: 'ENSCALE_SOCAT' },
  // Only for a node's file-size limit (SandboxNodes.limitFileSize), so not required at start.
  prlimit: { names: ['prlimit'], debianPackage: 'util-linux', override: 'ENSCALE_PRLIMIT' },
} satisfies Record<string, ToolSpec>;

export type ToolName = keyof typeof SPECS;

/** A required program is missing; the message says which package to install. */
export class MissingToolError extends Error {
  constructor(
    readonly tool: ToolName,
    readonly debianPackage: string,
    detail: string,
  ) {
    super(
      `${SPECS[tool].names[0]} not found (${detail}). Install it: sudo apt-get install ${debianPackage} ` +
        `(or run scripts/install-system-deps.sh).`,
    );
    this.name = 'MissingToolError';
  }
}

const SBIN = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds programs on PATH, in the sbin folders, and in the tool's known places; caches answers. */
export class SystemTools {
  private readonly found = new Map<ToolName, string>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** @throws MissingToolError naming the Debian package that provides the tool. */
  path(tool: ToolName): string {
    const cached = this.found.get(tool);
    if (cached) return cached;
    const spec: ToolSpec = SPECS[tool];
    const override = this.env[spec.override];
    if (override) {
      if (!isExecutable(override)) {
        throw new MissingToolError(
          tool,
          spec.debianPackage,
          `${spec.override}=${override} is not an executable file`,
        );
      }
      this.found.set(tool, override);
      return override;
    }
    const dirs = [...(this.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...SBIN];
    const candidates = [
      ...(spec.firstPaths ?? []),
      ...spec.names.flatMap((name) => dirs.map((dir) => join(dir, name))),
      ...(spec.extraPaths ?? []),
    ];
    const hit = candidates.find(isExecutable);
    if (!hit) throw new MissingToolError(tool, spec.debianPackage, 'looked on PATH and in /usr/sbin');
    this.found.set(tool, hit);
    return hit;
  }

  /** Looks up every tool at once so a missing one fails before anything starts. */
  requireAll(tools: readonly ToolName[]): void {
    for (const tool of tools) this.path(tool);
  }
}
