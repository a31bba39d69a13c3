/** Single-quotes a word for a POSIX shell, so nothing in it is expanded or split. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quotes only the words that need it, so a command line stays readable in logs. */
export function shellWords(words: readonly string[]): string {
  return words.map((word) => (/^[A-Za-z0-9_./=:,+@%^-]+$/.test(word) ? word : shellQuote(word))).join(' ');
}
