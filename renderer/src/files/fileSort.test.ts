import { describe, expect, it } from 'vitest';
import type { RemoteFileEntry } from '../../../shared/src/files.ts';
import { sortEntries } from './fileSort.ts';

const entry = (name: string, size: number, type: RemoteFileEntry['type'] = 'file', owner = 'app') =>
  ({
    name,
    path: `/h/${name}`,
    type,
    size,
    mtime: size,
    mode: 0o644,
    permissions: 'rw-r--r--',
    uid: 1,
    gid: 1,
    owner,
  }) as RemoteFileEntry;

describe('sorting a listing', () => {
  const listing = [
    entry('file10.txt', 5),
    entry('File2.txt', 5),
    entry('b-dir', 0, 'directory'),
    entry('a.txt', 9, 'file', 'root'),
    entry('A-dir', 0, 'directory'),
  ];
  const names = (sorted: RemoteFileEntry[]) => sorted.map((e) => e.name);

  it('puts folders first, then names in natural order, case ignored', () => {
    expect(names(sortEntries(listing, { column: 'name', direction: 'ascending' }))).toEqual([
      'A-dir',
      'b-dir',
      'a.txt',
      'File2.txt',
      'file10.txt',
    ]);
    expect(names(sortEntries(listing, { column: 'name', direction: 'descending' }))).toEqual([
      'b-dir',
      'A-dir',
      'file10.txt',
      'File2.txt',
      'a.txt',
    ]);
  });

  it('sorts by another column with the name breaking ties, reusing the listing’s keys', () => {
    expect(names(sortEntries(listing, { column: 'size', direction: 'descending' }))).toEqual([
      'b-dir',
      'A-dir',
      'a.txt',
      'file10.txt',
      'File2.txt',
    ]);
    expect(names(sortEntries(listing, { column: 'owner', direction: 'ascending' }))).toEqual([
      'A-dir',
      'b-dir',
      'File2.txt',
      'file10.txt',
      'a.txt',
    ]);
  });
});
