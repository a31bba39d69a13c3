/**
 * POSIX tar (ustar, with pax `path` records for long names) headers for a folder upload sent as one
 * stream: regular files and folders only, never links or devices, so nothing in the archive can point
 * outside the folder it is unpacked into. Written here rather than taken from a library: these two
 * entry types are all the upload needs (about 60 lines against tar-stream's parser and writer).
 */

export const BLOCK = 512;

/** The largest size ustar's 11 octal digits hold (8 GiB − 1); a larger file goes by SFTP instead. */
export const MAX_TAR_FILE = 8 ** 11 - 1;

/** The two zero blocks that end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);

/** Bytes of padding after `size` bytes of content, up to the next block. */
export const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

export interface TarEntry {
  /** Path inside the archive, '/'-separated, no leading '/'. */
  path: string;
  type: 'file' | 'folder';
  size: number;
  mode: number;
  /** Whole seconds. */
  mtime: number;
}

function octal(header: Buffer, offset: number, length: number, value: number): void {
  const clamped = Math.max(0, Math.min(Math.floor(value), 8 ** (length - 1) - 1));
  header.write(clamped.toString(8).padStart(length - 1, '0'), offset, length - 1, 'ascii');
}

function ustar(name: Buffer, type: string, size: number, mode: number, mtime: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  name.copy(header, 0, 0, Math.min(name.length, 100));
  octal(header, 100, 8, mode & 0o7777);
  octal(header, 108, 8, 0);
  octal(header, 116, 8, 0);
  octal(header, 124, 12, size);
  octal(header, 136, 12, mtime);
  header.write(type, 156, 1, 'ascii');
  header.write('ustar\u000000', 257, 8, 'ascii');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return header;
}

/** A pax record `LEN key=value\n`, whose decimal LEN counts itself. */
function paxRecord(key: string, value: string): Buffer {
  const body = Buffer.byteLength(` ${key}=${value}\n`);
  let length = body + String(body).length;
  if (String(length).length > String(body).length) length++;
  return Buffer.from(`${length} ${key}=${value}\n`);
}

/** The header block(s) of one entry: a pax header first when the path does not fit ustar's 100 bytes. */
export function entryHeader(entry: TarEntry): Buffer {
  const path = entry.type === 'folder' ? `${entry.path}/` : entry.path;
  const name = Buffer.from(path);
  const type = entry.type === 'folder' ? '5' : '0';
  const size = entry.type === 'folder' ? 0 : entry.size;
  const header = ustar(name, type, size, entry.mode, entry.mtime);
  if (name.length <= 100) return header;
  const record = paxRecord('path', path);
  const pax = ustar(Buffer.from('PaxHeader'), 'x', record.length, 0o644, entry.mtime);
  return Buffer.concat([pax, record, Buffer.alloc(padding(record.length)), header]);
}
