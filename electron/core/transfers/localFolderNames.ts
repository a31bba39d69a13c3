import { collisionKey, type LocalNameVerdict, localNameFor, type LocalPlatform } from './localNames.ts';
import { numberedName } from './names.ts';

/**
 * The local names for one remote folder's entries, in the order given. Names that would be one
 * file on this computer's disk — "README" and "readme" on NTFS or APFS, the NFC and NFD spellings
 * of "café" on APFS, or "a:b" and "a%3Ab" once the first is made legal — would otherwise download
 * into the same partial file, the second truncating the first. The first in code-point order keeps
 * its name, so the choice is the same on every run; the others are saved as "name (2)", "name (3)".
 */
export function planLocalNames(names: readonly string[], platform: LocalPlatform): LocalNameVerdict[] {
  const policy = names.map((name) => localNameFor(name, platform));
  const verdicts = [...policy];
  const order = [...names.entries()].sort(([, a], [, b]) => compare(a, b)).map(([index]) => index);
  const taken = new Set<string>();
  // Names that are legal as they are claim their spelling before any renamed one can.
  for (const index of order) {
    const verdict = policy[index];
    if (!verdict || 'skip' in verdict || verdict.reason) continue;
    const key = collisionKey(verdict.saveAs, platform);
    if (!taken.has(key)) taken.add(key);
    else verdicts[index] = numbered(verdict.saveAs, taken, platform, sameName(platform));
  }
  for (const index of order) {
    const verdict = policy[index];
    if (!verdict || 'skip' in verdict || !verdict.reason) continue;
    const key = collisionKey(verdict.saveAs, platform);
    if (!taken.has(key)) taken.add(key);
    else
      verdicts[index] = numbered(verdict.saveAs, taken, platform, `${verdict.reason}; ${sameName(platform)}`);
  }
  return verdicts;
}

function numbered(
  name: string,
  taken: Set<string>,
  platform: LocalPlatform,
  reason: string,
): LocalNameVerdict {
  for (let n = 2; ; n++) {
    const candidate = numberedName(name, n);
    const key = collisionKey(candidate, platform);
    if (taken.has(key)) continue;
    taken.add(key);
    return { saveAs: candidate, reason };
  }
}

const sameName = (platform: LocalPlatform): string =>
  platform === 'linux'
    ? 'another entry in the folder already has this name on this computer'
    : 'another entry in the folder differs only in upper/lower case or Unicode form, which this computer’s disk treats as the same name';

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
