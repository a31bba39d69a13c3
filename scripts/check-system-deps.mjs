#!/usr/bin/env node
// Fails fast, before any test runs, when a program the tests drive is missing, naming the package.
// Nothing is skipped for a missing tool: a test suite that quietly skips proves nothing.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const TOOLS = [
  ['sshd', 'openssh-server'],
  ['sftp-server', 'openssh-server', ['/usr/lib/openssh/sftp-server', '/usr/libexec/sftp-server']],
  ['ssh', 'openssh-client'],
  ['sftp', 'openssh-client'],
  ['scp', 'openssh-client'],
  ['ssh-keygen', 'openssh-client'],
  ['ssh-add', 'openssh-client'],
  // The SSH agent names the client process from `ss -xpn` (test/core/agent).
  ['ss', 'iproute2'],
  ['mariadbd', 'mariadb-server'],
  ['mariadb-install-db', 'mariadb-server'],
  ['mariadb', 'mariadb-client'],
  ['plink', 'putty-tools'],
  ['psftp', 'putty-tools'],
  ['puttygen', 'putty-tools'],
  ['rsync', 'rsync'],
  ['setpriv', 'util-linux'],
  ['prlimit', 'util-linux'],
  ['unshare', 'util-linux'],
  ['sudo', 'sudo'],
  ['busybox', 'busybox'],
  ['socat', 'socat'],
  ['script', 'bsdutils'],
  ['dbus-run-session', 'dbus-daemon'],
  ['dbus-send', 'dbus-bin'],
  ['gnome-keyring-daemon', 'gnome-keyring'],
  ['chromium', 'chromium'],
  ['openssl', 'openssl'],
  ['psql', 'postgresql'],
  ['initdb', 'postgresql', [13, 14, 15, 16, 17, 18].map((v) => `/usr/lib/postgresql/${v}/bin/initdb`)],
  ['postgres', 'postgresql', [13, 14, 15, 16, 17, 18].map((v) => `/usr/lib/postgresql/${v}/bin/postgres`)],
  ['pg_isready', 'postgresql-client'],
];

const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];
const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const missing = TOOLS.filter(
  ([name, , extra = []]) => ![...dirs.map((dir) => join(dir, name)), ...extra].some(executable),
);
if (missing.length > 0) {
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  console.error(
    `Missing programs: ${missing.map(([name]) => name).join(', ')}.\n` +
      `Install them with: bash scripts/install-system-deps.sh (as root, or it uses sudo); Debian packages: ${packages.join(' ')}`,
  );
  process.exit(1);
}
console.log(`check-system-deps: all ${TOOLS.length} programs found`);
