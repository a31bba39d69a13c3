import { shellQuote } from '../../../shared/src/shellQuote.ts';
import { InvalidInput } from '../../../shared/src/errors.ts';
import type { DatabaseCredentials, DatabaseEngine } from '../../../shared/src/databases.ts';

/**
 * A database or user name as the commands take it: shell-quoted, but also the database client's
 * operand, so it may not start with '-' (`-hevil` would be read as "connect to host evil").
 */
const NAME = /^[A-Za-z0-9_$][A-Za-z0-9_$-]{0,63}$/;

export function engineFor(nodeType: string): DatabaseEngine {
  if (/^(mariadb|mysql|percona)/i.test(nodeType)) return 'mysql';
  if (/^postgres/i.test(nodeType)) return 'postgresql';
  throw new InvalidInput(`Node type '${nodeType}' is not a database this app can import into.`);
}

function checkNames({ database, user }: DatabaseCredentials): void {
  if (!NAME.test(database))
    throw new InvalidInput(
      `'${database}' is not a database name (up to 64 letters, digits, _ $ -, not starting with -).`,
    );
  if (!NAME.test(user))
    throw new InvalidInput(
      `'${user}' is not a database user name (up to 64 letters, digits, _ $ -, not starting with -).`,
    );
}

/** What a character becomes inside a double-quoted MySQL / MariaDB option-file value. */
const OPTION_FILE_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * The client's option file, sent first on the command's stdin. It carries the password, so the
 * password never appears on a command line (where `ps` would show it) or in an environment.
 */
export function optionFile(engine: DatabaseEngine, credentials: DatabaseCredentials): string {
  checkNames(credentials);
  if (credentials.password.includes('\0')) {
    throw new InvalidInput('A database password cannot contain a NUL character.');
  }
  if (engine === 'mysql') {
    // A quoted option-file value takes the escapes \\ \" \n \r \t; a raw line break would end the
    // value and start a new option (found with a password holding a newline: "unknown option").
    const password = credentials.password.replace(/[\\"\n\r\t]/g, (c) => OPTION_FILE_ESCAPES[c] ?? c);
    return `[client]\nuser="${credentials.user}"\npassword="${password}"\n`;
  }
  // ~/.pgpass format: host:port:database:user:password, with : and \ escaped; one entry per line, so
  // a line break cannot be written at all.
  if (/[\n\r]/.test(credentials.password)) {
    throw new InvalidInput(
      'A PostgreSQL password with a line break cannot be passed to psql; change the password.',
    );
  }
  const password = credentials.password.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
  return `*:*:*:${credentials.user}:${password}\n`;
}

/**
 * A shell command that reads `optionBytes` bytes of stdin into a private temporary file (mode 600,
 * removed however the command ends), then runs the database client with the rest of stdin.
 */
function withOptionFile(optionBytes: number, client: string): string {
  return [
    'umask 077',
    'f=$(mktemp) || exit 70',
    `trap 'rm -f "$f"' EXIT HUP INT TERM`,
    // head -c reads exactly that many bytes from a pipe, leaving the SQL for the client.
    `head -c ${optionBytes} > "$f" || exit 70`,
    client,
  ].join('; ');
}

/**
 * Sets r=1 when the node's psql has `\restrict` (added in 13.22, 14.19, 15.14, 16.10 and 17.6, and
 * in every 18): read from `psql --version`, e.g. "psql (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)".
 * A version it cannot read counts as without.
 */
export const PSQL_HAS_RESTRICT = [
  `set -- $(psql --version 2>/dev/null | sed -n 's/^psql (PostgreSQL) \\([0-9][0-9]*\\)\\.\\([0-9][0-9]*\\).*/\\1 \\2/p')`,
  'case "$1.$2" in 13.2[2-9]|13.[3-9][0-9]|14.19|14.[2-9][0-9]|15.1[4-9]|15.[2-9][0-9]|16.[1-9][0-9]|17.[6-9]|17.[1-9][0-9]|1[89].*|[2-9][0-9].*|[1-9][0-9][0-9]*.*) r=1;; *) r=;; esac',
].join('; ');

/**
 * `restrictKey`: for PostgreSQL, a fresh random key (letters and digits). Where the node's psql has
 * `\restrict`, psql is restricted with it before the dump's first line, so psql itself refuses
 * every backslash command in the dump; `-f -` keeps psql's line numbers those of the dump.
 */
export function importCommand(
  engine: DatabaseEngine,
  credentials: DatabaseCredentials,
  optionBytes: number,
  restrictKey = '',
): string {
  checkNames(credentials);
  const db = shellQuote(credentials.database);
  if (engine === 'mysql') {
    return withOptionFile(
      optionBytes,
      `mysql --defaults-extra-file="$f" --default-character-set=utf8mb4 --binary-mode --batch ${db}`,
    );
  }
  if (!/^[A-Za-z0-9]{16,}$/.test(restrictKey)) {
    throw new InvalidInput('A PostgreSQL import needs a restrict key of at least 16 letters and digits.');
  }
  const psql = `PGPASSFILE="$f" psql -X -q -v ON_ERROR_STOP=1 -U ${shellQuote(credentials.user)} -h localhost -d ${db}`;
  const restricted = `${psql} -c ${shellQuote(`\\restrict ${restrictKey}`)} -f -`;
  return withOptionFile(
    optionBytes,
    `${PSQL_HAS_RESTRICT}; if [ -n "$r" ]; then ${restricted}; else ${psql}; fi`,
  );
}

export function exportCommand(
  engine: DatabaseEngine,
  credentials: DatabaseCredentials,
  optionBytes: number,
): string {
  checkNames(credentials);
  const db = shellQuote(credentials.database);
  const client =
    engine === 'mysql'
      ? `mysqldump --defaults-extra-file="$f" --default-character-set=utf8mb4 --single-transaction --routines --triggers --no-tablespaces ${db}`
      : `PGPASSFILE="$f" pg_dump -U ${shellQuote(credentials.user)} -h localhost ${db}`;
  return withOptionFile(optionBytes, client);
}

/** mysql's "ERROR 1064 (42000) at line 12: …" and psql's "psql:<stdin>:12: ERROR: …". */
export function failedLine(stderr: string): number | undefined {
  const match = /at line (\d+)/.exec(stderr) ?? /<stdin>:(\d+):/.exec(stderr);
  return match ? Number(match[1]) : undefined;
}
