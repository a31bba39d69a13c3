/*
 * Key and known_hosts files as Windows tools leave them: PowerShell 5.1's `>` and `Out-File` write
 * UTF-16LE with a byte-order mark, Notepad (before Windows 10 1903) a UTF-8 BOM, and PuTTYgen, Notepad
 * and git's autocrlf CRLF line ends. Every reader takes its text from here, so none of them meets a BOM,
 * a NUL between letters, or a stray `\r`.
 */

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Text with its BOM dropped and every line end (CRLF, lone CR) made `\n`. */
export function normaliseText(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** A text file's bytes as text: UTF-16 (LE or BE, by its BOM) or UTF-8 (with or without a BOM). */
export function decodeTextFile(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer[0] === 0xff && buffer[1] === 0xfe) return normaliseText(decode16(buffer.subarray(2), 'le'));
  if (buffer[0] === 0xfe && buffer[1] === 0xff) return normaliseText(decode16(buffer.subarray(2), 'be'));
  // UTF-16LE without a BOM (written by some .NET APIs): ASCII text then has a NUL after each letter.
  if (buffer.length >= 4 && buffer[0] !== 0 && buffer[1] === 0 && buffer[2] !== 0 && buffer[3] === 0)
    return normaliseText(decode16(buffer, 'le'));
  const bom = UTF8_BOM.every((byte, index) => buffer[index] === byte);
  return normaliseText(buffer.subarray(bom ? 3 : 0).toString('utf8'));
}

function decode16(bytes: Buffer, order: 'le' | 'be'): string {
  // An odd trailing byte is half a character: it is dropped rather than read as garbage.
  const even = bytes.subarray(0, bytes.length - (bytes.length % 2));
  return order === 'le' ? even.toString('utf16le') : Buffer.from(even).swap16().toString('utf16le');
}
