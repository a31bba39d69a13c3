import { PARTIAL_SUFFIX } from '../../../shared/src/transfers.ts';
import { hiddenSibling, NAME_MAX_BYTES } from '../sftp/siblingNames.ts';

/** The partial file of `name` in the same folder: `.NAME.enscale-part` (hashed when too long). */
export const partialName = (name: string): string => hiddenSibling(name, PARTIAL_SUFFIX);

/**
 * The `n`th "keep both" name: `report (1).pdf`, `.bashrc (1)`, `archive.tar (1).gz`. The stem is
 * shortened when the result would exceed the file system's name limit.
 */
export function numberedName(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  const hasExtension = dot > 0 && dot < name.length - 1;
  let stem = hasExtension ? name.slice(0, dot) : name;
  const extension = hasExtension ? name.slice(dot) : '';
  const tag = ` (${n})`;
  while (Buffer.byteLength(stem + tag + extension) > NAME_MAX_BYTES && stem.length > 0) {
    stem = Array.from(stem).slice(0, -1).join('');
  }
  return `${stem}${tag}${extension}`;
}
