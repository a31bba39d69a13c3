#!/usr/bin/env bash
# Installs the Debian packages that Enscale SSH's tests and sandbox need. Idempotent: installs only
# what is missing, says what it installs, and is quiet otherwise. Run as root or with sudo.
set -euo pipefail

# Debian/Ubuntu only: the sandbox's nodes and the tests' servers are this machine's own Linux
# packages. On Windows or macOS the app itself needs none of this (see the README's Quick start).
if [ "$(uname -s)" != Linux ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: Linux only (Debian or Ubuntu, with apt-get). On Windows or macOS, run the sandbox and the tests in WSL or a Linux VM; the app itself needs none of these packages." >&2
  exit 1
fi

# package            why
PACKAGES=(
  openssh-server   # sshd for every sandbox node, sftp-server
  openssh-client   # ssh, sftp, scp, ssh-keygen: the interop tests' real clients
  mariadb-server   # the sandbox's private MariaDB behind the database node
  mariadb-client   # mysql / mariadb on the database node
  putty-tools      # plink, psftp, puttygen: PuTTY interop tests
  rsync            # rsync through the gateway
  util-linux       # setpriv: sandbox servers stop when the sandbox dies; prlimit: a node's "full disk"; unshare: each node's own namespaces
  sudo             # a node's limited sudo (its service's init script only), as on Enscale
  busybox          # busybox httpd: the Apache node's web server (service httpd)
  socat            # a database node's own 3306 / 5432, leading to the sandbox's server
  iproute2         # ss: the SSH agent names the process asking for a signature (Linux)
  bsdutils         # script: drives the gateway menu through a real pty
  dbus-daemon      # dbus-run-session: the private session bus scripts/with-keyring.sh starts for tests
  dbus-bin         # dbus-send: the keychain tests lock a keyring of their own
  gnome-keyring    # a real Secret Service (the Linux keychain keytar talks to) for the KeyVault tests
  libsecret-1-dev  # headers keytar compiles against during npm ci (it ships no usable prebuilt binary here)
  chromium   # the browser the end-to-end tests drive (/usr/bin/chromium)
  openssl    # a self-signed certificate for the platform API's http → https redirect test
  postgresql # psql and a private server (initdb, postgres) for the PostgreSQL import tests
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-system-deps: run as root (sudo is not available)" >&2; exit 1; }
  SUDO=(sudo)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-system-deps: all ${#PACKAGES[@]} packages present"
fi

# sshd started as root needs its privilege-separation folder; only a booted system makes it.
"${SUDO[@]}" mkdir -p /run/sshd
