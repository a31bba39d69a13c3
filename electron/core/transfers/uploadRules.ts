import type Picomatch from 'picomatch';
import { lazyModule } from '../system/lazyModule.ts';
import type { LocalPlatform } from './localNames.ts';

const picomatch = lazyModule<typeof Picomatch>('picomatch');

/** What an upload does with the names and modes it finds on this computer. */
export interface UploadRules {
  /** Send names in Unicode NFC: Finder hands out NFD, which a Linux node keeps as another name. */
  normalizeNames: boolean;
  /** Base-name patterns left out of folder uploads (`.DS_Store`, `._*`, `Thumbs.db`…). */
  skip: readonly string[];
}

/**
 * The mode a new file gets on the node. Windows reports every ordinary file as 0o666 (0o444 when
 * read-only) and never an execute bit, so taken as it is every file uploaded from Windows would be
 * world-writable — which suPHP and suexec refuse to run. Elsewhere the file's own bits go up, less
 * group and world write: the node serves them to its web server, never to other writers.
 */
export function uploadMode(localMode: number, platform: LocalPlatform): number {
  return platform === 'win32' ? 0o644 : localMode & 0o755;
}

/**
 * Folders an upload creates: rwxr-xr-x whatever the node's umask (a umask of 002, common on shared
 * hosts, would otherwise make them group-writable).
 */
export const UPLOAD_FOLDER_MODE = 0o755;

/** A matcher for the skip list; each pattern is matched against a base name, dot files included. */
export function skipMatcher(patterns: readonly string[]): (name: string) => string | undefined {
  const matchers = patterns.map((pattern) => ({ pattern, test: picomatch()(pattern, { dot: true }) }));
  return (name) => matchers.find((matcher) => matcher.test(name))?.pattern;
}

/** The name a local name is sent under: NFC when the rules say so. */
export function uploadName(name: string, rules: Pick<UploadRules, 'normalizeNames'>): string {
  return rules.normalizeNames ? name.normalize('NFC') : name;
}
