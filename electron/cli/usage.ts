/** A command line the CLI cannot run as written: shown with the usage, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: enscale-ssh [--profile DIR] [--identity FILE] [--json] COMMAND

  platform use enscale                      use Enscale (its gateway key is pinned)
  platform use API_URL --gateway HOST:PORT [--fingerprint SHA256:…]
                                            use another Jelastic platform
  platform show                             the platform and the signed-in account
  login LOGIN                               sign in (password, then a two-factor code if the
                                            account asks; from the terminal, or lines of stdin)
  login --token                             sign in with a personal access token (read the same way)
  logout
  keys list
  keys generate [--name N] [--bits 2048|3072|4096]
  keys import FILE [--name N] [--passphrase-stdin]
  keys export ID --public [--out FILE]
  keys export ID --format openssh|ppk --out FILE [--passphrase-stdin]
  keys sync ID                              put the key on the dashboard
  keys delete ID
  envs                                      environments, status, nodes and node IDs
  env start NAME                            start an environment (waits until the platform is done)
  env stop NAME [--yes]                     stop it (asks first, naming the nodes; --yes in scripts)
  env sleep NAME [--yes]                    put it to sleep (as stop)
  ssh NODE|HOST [-- COMMAND…]               run a command (exit status passed through) or a shell;
                                            HOST: a saved host's name (see hosts)
  menu                                      the gateway's interactive menu
  put NODE|HOST LOCAL REMOTE                upload (resumes a partial upload)
  get NODE|HOST REMOTE LOCAL                download (resumes a partial download)
  hosts                                     saved plain hosts and node shortcuts
  sql import NODE FILE --db NAME --user USER
  sql export NODE FILE --db NAME --user USER   (.gz: compressed; password as for login)
  tunnel NODE [LOCAL_PORT:]REMOTE_PORT      forward 127.0.0.1:LOCAL_PORT (default: a free one) to the
                                            node's REMOTE_PORT until Ctrl-C (e.g. 3306, 13306:5432)
  import FILE|--putty|--ssh-config [--dry-run] [--keys]
                                            PuTTY/KiTTY sessions (a .reg export, the registry on
                                            Windows, ~/.putty/sessions) or ssh config hosts as hosts
                                            and node shortcuts; --keys imports the key files they name
  agent [--confirm]                         serve the vault's keys to ssh, git, scp as an SSH agent
                                            until Ctrl-C; prints the SSH_AUTH_SOCK line to export
                                            (--confirm: ask y/N here before each signature)
  ssh-config [ENV|NODE]                     Host entries (shop-518839) for every node, an environment
                                            or a node, signing in through the agent: ssh -F FILE HOST
  ssh-config --write | --remove             add (remove) one Include line atop ~/.ssh/config; the
                                            app keeps the included file current while it runs

Options:
  --profile DIR   the data folder (keys, known_hosts, settings); default: ENSCALE_SSH_PROFILE, else the
                  desktop app's ("Enscale SSH" in %APPDATA%, ~/Library/Application Support or ~/.config)
  --identity FILE sign in to the gateway with this private key (OpenSSH or .ppk) for this run only;
                  an encrypted key's passphrase is read like a password
  --json          print one JSON document (not for ssh and menu, whose output is the node's)
  -h, --help      this text

Environment:
  ENSCALE_SSH_TOKEN   a personal access token: signs this run in, stores nothing. With --identity,
                      no keychain is needed (scripts on a server: see docs/cli.md)

See docs/cli.md for examples.
`;
