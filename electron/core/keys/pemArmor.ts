import { KeyFileCorrupt } from './errors.ts';
import { wrapBase64 } from './sshWire.ts';

/** The bytes between `-----BEGIN label-----` and `-----END label-----`, or null when there is no such block. */
export function readArmor(text: string, label: string): Buffer | null {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const start = text.indexOf(begin);
  if (start < 0) return null;
  const stop = text.indexOf(end, start);
  if (stop < 0) throw new KeyFileCorrupt(`the '${end}' line is missing`);
  const body = text.slice(start + begin.length, stop).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body))
    throw new KeyFileCorrupt('the base64 text has invalid characters');
  return Buffer.from(body, 'base64');
}

export function writeArmor(bytes: Uint8Array, label: string, width: number): string {
  return [`-----BEGIN ${label}-----`, ...wrapBase64(bytes, width), `-----END ${label}-----`, ''].join('\n');
}
