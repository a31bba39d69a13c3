/** What closing the window would end, as the core counts it. */
export interface OpenWork {
  terminals: number;
  transfers: number;
  /** Port forwards still open (or reconnecting): their clients' connections end. */
  tunnels?: number;
  /** Files open in the user's editor: saves made after the window closes are not uploaded. */
  edits?: number;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The question to ask before the window closes, or undefined when nothing would be lost. Closing it
 * ends the core's shells and transfers: on macOS the app would otherwise live on without a window,
 * its shells unreachable, and Cmd+W by habit must not be the way that happens.
 */
export function closeQuestion(open: OpenWork | undefined): { message: string; detail: string } | undefined {
  const tunnels = open?.tunnels ?? 0;
  const edits = open?.edits ?? 0;
  if (!open || (open.terminals === 0 && open.transfers === 0 && tunnels === 0 && edits === 0))
    return undefined;
  const parts = [
    ...(open.terminals > 0 ? [plural(open.terminals, 'terminal', 'terminals')] : []),
    ...(open.transfers > 0 ? [plural(open.transfers, 'file transfer', 'file transfers')] : []),
    ...(tunnels > 0 ? [plural(tunnels, 'tunnel', 'tunnels')] : []),
    ...(edits > 0 ? [plural(edits, 'edit in your editor', 'edits in your editor')] : []),
  ];
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0];
  return {
    message: `Close the window and end ${list}?`,
    detail:
      'Their shells, SSH sessions and forwarded ports end; unfinished transfers keep their partial files and resume when you start them again.' +
      (edits > 0 ? ' Files open in your editor are no longer uploaded when saved.' : ''),
  };
}
