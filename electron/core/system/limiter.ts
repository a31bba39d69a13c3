/**
 * Runs at most `limit` of the calls given to it at once; the rest wait their turn in order. One
 * limiter can be shared by calls made at different depths of a recursion (a folder tree's listings),
 * where a bound per level would multiply.
 */
export function limiter(limit: number): <T>(call: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(call: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await call();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
