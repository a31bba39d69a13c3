#!/usr/bin/env bash
# Runs a command against a real, unlocked Secret Service: gnome-keyring on a private D-Bus session bus,
# with its keyring in a temporary folder. keytar then talks to a real keychain in tests, CI and
# containers (even as root with no desktop), and a run never reads or writes the user's own keyring.
# Usage: bash scripts/with-keyring.sh COMMAND [ARGS…]
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: bash scripts/with-keyring.sh COMMAND [ARGS…]" >&2
  exit 2
fi

for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || {
    echo "with-keyring: $tool is missing; install it with: bash scripts/install-system-deps.sh" >&2
    exit 1
  }
done

# First pass: start a private session bus and come back inside it. The variable marks the second pass,
# so a nested call (npm run inside npm run) reuses the keyring that is already there.
if [ "${ENSCALE_WITH_KEYRING:-}" != "inside" ]; then
  export ENSCALE_WITH_KEYRING=inside
  exec dbus-run-session -- bash "$0" "$@"
fi

if [ -z "${ENSCALE_KEYRING_DIR:-}" ]; then
  ENSCALE_KEYRING_DIR="$(mktemp -d "${TMPDIR:-/tmp}/enscale-keyring.XXXXXX")"
  export ENSCALE_KEYRING_DIR
  chmod 700 "$ENSCALE_KEYRING_DIR"
  mkdir -p "$ENSCALE_KEYRING_DIR/data" "$ENSCALE_KEYRING_DIR/runtime"
  trap 'rm -rf "$ENSCALE_KEYRING_DIR"' EXIT

  # --unlock reads the new login keyring's password from stdin; the keyring lives and dies with this
  # run, so a fixed password protects nothing and keeps the call simple. The daemon prints the
  # variables its clients need; it exits when the session bus goes away at the end of the run.
  keyring_env="$(
    printf '%s' 'enscale-test-keyring' |
      XDG_DATA_HOME="$ENSCALE_KEYRING_DIR/data" XDG_RUNTIME_DIR="$ENSCALE_KEYRING_DIR/runtime" \
        gnome-keyring-daemon --unlock --components=secrets --daemonize
  )"
  while IFS='=' read -r name value; do
    [ -n "$name" ] && export "$name=$value"
  done <<<"$keyring_env"
fi

"$@"
