/** Single-quotes a word for a POSIX shell, so nothing in it is expanded or split. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Characters that mean nothing to any shell a user may paste into. Not `=` (zsh expands `=cmd` to
 * the program's path at a word's start), `^` (fish before 3.0 and the Bourne shell read it as a pipe
 * or redirect), `%` (a job spec in bash and zsh, a variable in cmd.exe), nor `~`, `!` or `#`.
 */
const PLAIN_WORD = /^[A-Za-z0-9_./:,+@-]+$/;

/** Quotes only the words that need it, so a command line stays readable in logs. */
export function shellWords(words: readonly string[]): string {
  return words.map((word) => (PLAIN_WORD.test(word) ? word : shellQuote(word))).join(' ');
}
