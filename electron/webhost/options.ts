import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chosenProfileDir } from '../core/profileDir.ts';

export interface WebHostCommandLine {
  port: number;
  staticDir: string;
  /** Absent: a temporary profile, removed (with its keychain entries) on exit. */
  profile: string | undefined;
  sandbox: boolean;
  json: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run start:web -- [options]

Serves the app's core and the built renderer to a browser on 127.0.0.1, for development and the
end-to-end tests. Open the printed URL: its token is what lets the page reach the core.

Options:
  --sandbox        start the embedded sandbox platform and use it as the platform
  --profile DIR    the data folder (keys, known_hosts, settings); else ENSCALE_SSH_PROFILE; else a temporary one,
                   removed on exit together with its keychain entries (with no keychain, a
                   temporary profile keeps its secrets in memory)
  --static DIR     the built renderer to serve (default: renderer/dist)
  --port N         the port on 127.0.0.1 (default: a free one)
  --json           print one ready line: {"event":"ready","url":…,"sandbox":…}
  -h, --help       this text
`;

export class UsageError extends Error {}

/** The repository's `renderer/dist`, wherever the command is started from. */
const DEFAULT_STATIC = resolve(import.meta.dirname, '..', '..', 'renderer', 'dist');

export function parseCommandLine(
  argv: string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): WebHostCommandLine {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port takes a port number from 0 to 65535 (got '${values.port}').`);
  }
  return {
    port,
    staticDir: values.static === undefined ? DEFAULT_STATIC : resolve(values.static),
    // Never the desktop app's own folder by default: a development server must not touch real keys.
    profile: chosenProfileDir({ profile: values.profile, env }),
    sandbox: values.sandbox === true,
    json: values.json === true,
    help: values.help === true,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      static: { type: 'string' },
      profile: { type: 'string' },
      sandbox: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
