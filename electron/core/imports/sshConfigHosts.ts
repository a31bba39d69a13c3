import { isAbsolute, join } from 'node:path';
// Named imports only: the package's default export is read differently by Node's ESM loader and by
// the CLI's CommonJS bundle (scripts/cliBundle.mjs), where `default` is the whole module.
import { LineType, parse, type Line, type SSHConfig } from 'ssh-config';
import type { ForeignProxy, ForeignSession, ParsedSessions } from './foreignSession.ts';

/*
 * `~/.ssh/config` hosts, read with the `ssh-config` library (its `compute` applies `Host *` and other
 * matching blocks as ssh does, first value wins). `Match exec` is never run: an import must not run
 * commands a config file names.
 */

export interface SshConfigContext {
  /** The home folder, for `~` and `%d`. */
  home: string;
  /** The local user name: ssh's user when a host names none. */
  localUser: string;
  /** How the file is named in `origin` ("~/.ssh/config"). */
  fileLabel: string;
}

const values = (line: Extract<Line, { param: string }>): string[] =>
  typeof line.value === 'string' ? [line.value] : line.value.map((part) => part.val);

const first = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

const all = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export function sshConfigHosts(text: string, context: SshConfigContext): ParsedSessions {
  const config = parse(text);
  const aliases: string[] = [];
  const skipped: ParsedSessions['skipped'] = [];
  const visit = (lines: Line[]): void => {
    for (const line of lines) {
      if (line.type !== LineType.DIRECTIVE) continue;
      const param = line.param.toLowerCase();
      if (param === 'include')
        skipped.push({
          session: `Include ${values(line).join(' ')}`,
          reason: 'included files are not read: import each of them on its own (choose the file)',
        });
      if (param === 'match')
        skipped.push({
          session: `Match ${values(line).join(' ')}`,
          reason: 'a Match block is a rule, not a host',
        });
      if (param !== 'host') {
        if ('config' in line) visit(line.config);
        continue;
      }
      for (const pattern of values(line)) {
        if (/[*?!]/.test(pattern))
          skipped.push({
            session: `Host ${pattern}`,
            reason:
              'a pattern (wildcard or negation) is not a host: its settings apply to the hosts it matches',
          });
        else if (!aliases.includes(pattern)) aliases.push(pattern);
      }
      if ('config' in line) visit(line.config);
    }
  };
  visit(config);
  const sessions = aliases.map((alias) => hostOf(config, alias, aliases, context));
  return { sessions, skipped };
}

function hostOf(
  config: SSHConfig,
  alias: string,
  aliases: string[],
  context: SshConfigContext,
): ForeignSession {
  const computed = config.compute({ Host: alias }, { ignoreCase: true, matchExec: false });
  const problems: string[] = [];
  const expand = (value: string, user?: string): string =>
    value.replace(/%([%hdur])/g, (_, token: string) =>
      token === '%'
        ? '%'
        : token === 'h'
          ? alias
          : token === 'd'
            ? context.home
            : token === 'u'
              ? context.localUser
              : (user ?? ''),
    );
  const host = expand(first(computed.hostname) ?? alias);
  const portText = first(computed.port);
  const port = portText === undefined ? undefined : Number(portText);
  if (portText !== undefined && !Number.isInteger(port))
    problems.push(`its Port “${portText}” is not a number`);
  const configured = first(computed.user);
  const user = configured ?? context.localUser;
  const session: ForeignSession = {
    name: alias,
    origin: `${context.fileLabel} Host ${alias}`,
    protocol: 'ssh',
    host,
    ...(port !== undefined && Number.isInteger(port) ? { port } : {}),
    user,
    ...(configured === undefined
      ? { userNote: `it names no User, so it gets your local user name “${context.localUser}”, as ssh would` }
      : {}),
    keyFiles: all(computed.identityfile).map((file) => keyPath(expand(file, user), context.home)),
    forwards: [
      ...all(computed.localforward).map((f) => `local forward ${f}`),
      ...all(computed.remoteforward).map((f) => `remote forward ${f}`),
      ...all(computed.dynamicforward).map((f) => `dynamic (SOCKS) forward ${f}`),
    ],
    problems,
  };
  const proxy = proxyOf(first(computed.proxyjump), first(computed.proxycommand), aliases);
  return proxy ? { ...session, proxy } : session;
}

/** `~/x` and relative names are under the home folder (where ssh, started from a shell there, looks). */
function keyPath(file: string, home: string): string {
  if (file === '~' || file.startsWith('~/') || file.startsWith('~\\')) return join(home, file.slice(2));
  return isAbsolute(file) ? file : join(home, file);
}

function proxyOf(
  jump: string | undefined,
  command: string | undefined,
  aliases: string[],
): ForeignProxy | undefined {
  if (jump && jump.toLowerCase() !== 'none') {
    if (jump.includes(','))
      return { kind: 'other', description: `a chain of jump hosts (ProxyJump ${jump})` };
    const match = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(jump);
    if (!match) return { kind: 'other', description: `ProxyJump ${jump}` };
    const host = (match[2] ?? '').replace(/^\[|\]$/g, '');
    return {
      kind: 'jump',
      host,
      ...(match[1] ? { user: match[1] } : {}),
      ...(match[3] ? { port: Number(match[3]) } : {}),
      ...(aliases.includes(host) ? { alias: host } : {}),
    };
  }
  if (command && command.toLowerCase() !== 'none')
    return { kind: 'other', description: `ProxyCommand ${command}` };
  return undefined;
}
