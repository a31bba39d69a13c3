import { askSandboxScript } from './NodeControl.ts';
import type { NodeProfile } from './nodeProfiles.ts';

/** Single-quotes a value for /bin/sh. */
const q = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

export interface NodeServiceOptions {
  profile: NodeProfile;
  /** busybox, whose `httpd` is the Apache node's web server. */
  busybox: string;
  /** Where the Apache node's web server listens (127.0.0.1). */
  webPort?: number;
}

/**
 * The Apache node's `httpd`: busybox's web server serving /var/www/webroot/ROOT as the apache user
 * on 127.0.0.1:PORT. It runs inside the node (its pid namespace), so `sudo service httpd restart`
 * really stops and starts it, and a file the app uploads is served only if apache can read it.
 */
function httpdScript(busybox: string, port: number, user: string): string {
  return `#!/bin/sh
# httpd of this sandbox node: busybox httpd serving the web root as ${user} on 127.0.0.1:${port}.
PIDFILE=/run/httpd.pid
DOCROOT=/var/www/webroot/ROOT
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
configtest() {
  [ -d "$DOCROOT" ] || { echo "httpd: DocumentRoot '$DOCROOT' is not a directory" >&2; return 1; }
  echo "Syntax OK"
}
start() {
  if running; then echo "httpd (pid $(cat "$PIDFILE")) is already running"; return 0; fi
  configtest >/dev/null || return 1
  setsid ${q(busybox)} httpd -f -p 127.0.0.1:${port} -h "$DOCROOT" -u ${user}:${user} </dev/null >>/var/log/httpd.log 2>&1 &
  echo $! > "$PIDFILE"
  echo "Starting httpd:                                            [  OK  ]"
}
stop() {
  if running; then
    kill "$(cat "$PIDFILE")"
    i=0; while running && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  fi
  rm -f "$PIDFILE"
  echo "Stopping httpd:                                            [  OK  ]"
}
case "$1" in
  start) start ;;
  stop) stop ;;
  restart|reload) configtest >/dev/null || exit 1; stop; start ;;
  configtest) configtest ;;
  status) if running; then echo "httpd (pid $(cat "$PIDFILE")) is running..."; else echo "httpd is stopped"; exit 3; fi ;;
  *) echo "Usage: httpd {start|stop|restart|reload|status|configtest}" >&2; exit 2 ;;
esac
`;
}

/** The node's init scripts by service name, for /etc/init.d. */
export function nodeInitScripts(options: NodeServiceOptions): Record<string, string> {
  const { profile } = options;
  const scripts: Record<string, string> = {};
  for (const service of profile.services) {
    if (service === 'httpd' && options.webPort !== undefined) {
      scripts[service] = httpdScript(options.busybox, options.webPort, profile.user);
    } else if (service !== 'httpd') {
      // A database's server runs outside the node: its script asks the sandbox (NodeControl.ts).
      scripts[service] = askSandboxScript(service);
    }
  }
  return scripts;
}
