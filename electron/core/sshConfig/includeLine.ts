/**
 * The one line the app adds to the user's ~/.ssh/config, and taking it out again. Pure text
 * work: every other byte of the user's file is kept as it was (comments, Host blocks, line ends).
 *
 * At the top, not the end: OpenSSH takes the first value it reads for each option, and an
 * `Include` after a `Host`/`Match` line would apply only inside that block.
 */

/** The comment above the line, so a person reading the config knows who put it there. */
export const INCLUDE_MARKER =
  '# Added by Enscale SSH (Settings → ssh config removes it): Host entries for your nodes.';

/** `Include NAME`: relative, so OpenSSH reads it from ~/.ssh on every OS and no path needs quoting. */
export const includeLine = (fileName: string): string => `Include ${fileName}`;

const BOM = '\uFEFF';

/** The user's line ending (CRLF for a file Notepad wrote), so the added lines match. */
function lineEnd(text: string): string {
  const first = text.indexOf('\n');
  return first > 0 && text[first - 1] === '\r' ? '\r\n' : '\n';
}

function split(text: string): { bom: string; body: string } {
  return text.startsWith(BOM) ? { bom: BOM, body: text.slice(1) } : { bom: '', body: text };
}

const isOurInclude = (line: string, fileName: string): boolean =>
  /^\s*include\s+/i.test(line) &&
  line
    .trim()
    .replace(/^include\s+/i, '')
    .replace(/^"|"$/g, '') === fileName;

/** Whether the config includes the app's file (anywhere: a person may have moved the line). */
export function hasInclude(text: string, fileName: string): boolean {
  return text.split(/\r?\n/).some((line) => isOurInclude(line, fileName));
}

/** The config with the app's lines on top; undefined when it already has them (nothing to write). */
export function withInclude(text: string, fileName: string): string | undefined {
  if (hasInclude(text, fileName)) return undefined;
  const { bom, body } = split(text);
  const nl = lineEnd(text);
  const block = `${INCLUDE_MARKER}${nl}${includeLine(fileName)}${nl}`;
  // A blank line keeps the user's first lines apart from ours; an empty file gets none.
  return body === '' ? `${bom}${block}` : `${bom}${block}${nl}${body}`;
}

/**
 * The config without the app's lines; undefined when it has none. The block `withInclude` added is
 * taken off exactly (the file is then byte-for-byte what it was); elsewhere only the app's own
 * `Include` line and the marker above it go.
 */
export function withoutInclude(text: string, fileName: string): string | undefined {
  if (!hasInclude(text, fileName)) return undefined;
  const { bom, body } = split(text);
  for (const nl of ['\n', '\r\n']) {
    const block = `${INCLUDE_MARKER}${nl}${includeLine(fileName)}${nl}`;
    if (body === block) return bom;
    if (body.startsWith(`${block}${nl}`)) return bom + body.slice(block.length + nl.length);
  }
  const lines = body.split(/(?<=\n)/);
  const kept = lines.filter((line, index) => {
    if (isOurInclude(line, fileName)) return false;
    return !(line.trimEnd() === INCLUDE_MARKER && isOurInclude(lines[index + 1] ?? '', fileName));
  });
  return bom + kept.join('');
}
