import { shellWords } from '../../shared/src/shellQuote.ts';
import { constants } from 'node:os';
import { InvalidInput } from '../../shared/src/errors.ts';

/**
 * A remote command's end as a local exit status: its own code, 128 + the signal's number like a
 * shell, or 255 (as OpenSSH uses) when the link dropped before it said how it ended.
 */
export function exitStatus(code: number | null, signal: string | null): number {
  if (code !== null) return code;
  if (signal !== null) {
    const number = (constants.signals as Record<string, number | undefined>)[`SIG${signal}`];
    return number === undefined ? 255 : 128 + number;
  }
  return 255;
}

/** Why a command has no status: said once on stderr, so a script's log shows it. */
export const droppedMessage = 'The connection closed before the command ended.';

/** Words for the remote shell: one argument is a command line as typed, several are quoted each. */
export function remoteCommand(words: string[]): string {
  if (words.length === 0) throw new InvalidInput('No command to run.');
  if (words.length === 1) return words[0] ?? '';
  return shellWords(words);
}
