import { parseArgs } from 'node:util';

export interface CoreProcessOptions {
  /** The app's data folder: keys, known_hosts, settings. */
  dataDir: string;
  keychainService: string | undefined;
  /** Start the embedded sandbox and offer it as a platform. */
  sandbox: boolean;
}

/** What main passes when it forks the core: `--data-dir DIR [--keychain-service NAME] [--sandbox]`. */
export function parseCoreProcessArgs(argv: string[]): CoreProcessOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      'data-dir': { type: 'string' },
      'keychain-service': { type: 'string' },
      sandbox: { type: 'boolean' },
    },
  });
  const dataDir = values['data-dir'];
  if (!dataDir) throw new Error('The core process needs --data-dir.');
  return {
    dataDir,
    keychainService: values['keychain-service'] || undefined,
    sandbox: values.sandbox ?? false,
  };
}

/** What main tells the core process over its parent port. */
export type CoreProcessCommand = { kind: 'connect' } | { kind: 'stop' } | { kind: 'activity' };

/** The core's answer to `activity`: what closing the window would end. */
export interface CoreActivity {
  kind: 'activity';
  terminals: number;
  transfers: number;
}

export function isCoreProcessCommand(value: unknown): value is CoreProcessCommand {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'connect' || kind === 'stop' || kind === 'activity';
}
