/*
 * The file grid's keyboard rules as plain functions of indexes, so they are tested without a page.
 */

/**
 * The row a navigation key moves to from `index` (undefined: nothing focused yet), or undefined when
 * the key does not move between rows. `page` is how many rows fit in view.
 */
export function rowAfterKey(key: string, index: number | undefined, count: number, page: number) {
  if (count === 0) return undefined;
  const last = count - 1;
  const from = index ?? -1;
  const clamp = (i: number) => Math.min(last, Math.max(0, i));
  switch (key) {
    case 'ArrowDown':
      return clamp(from + 1);
    case 'ArrowUp':
      return index === undefined ? 0 : clamp(from - 1);
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'PageDown':
      return clamp(from + Math.max(1, page));
    case 'PageUp':
      return clamp(from - Math.max(1, page));
    default:
      return undefined;
  }
}

/** The indexes from `a` to `b`, either way round, for a Shift range. */
export function rangeBetween(a: number, b: number): number[] {
  const [low, high] = a <= b ? [a, b] : [b, a];
  return Array.from({ length: high - low + 1 }, (_, i) => low + i);
}

/**
 * Type-ahead: the first name after `from` (-1: none; at `from` while a search goes on) that starts with
 * `typed`, wrapping round; case is ignored. Undefined if none does.
 */
export function typeAheadMatch(
  names: readonly string[],
  typed: string,
  from: number,
  continuing: boolean,
): number | undefined {
  const wanted = typed.toLocaleLowerCase();
  const count = names.length;
  const start = from < 0 ? 0 : from + (continuing ? 0 : 1);
  for (let step = 0; step < count; step++) {
    const i = (start + step) % count;
    if (names[i]?.toLocaleLowerCase().startsWith(wanted)) return i;
  }
  return undefined;
}
