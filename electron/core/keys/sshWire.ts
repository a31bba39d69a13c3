import { KeyFileCorrupt } from './errors.ts';

/**
 * The SSH wire encodings of RFC 4251 §5 (uint32, string, mpint) that OpenSSH and PuTTY key files are
 * built from.
 */
export class SshWriter {
  readonly #parts: Buffer[] = [];

  uint32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value);
    this.#parts.push(b);
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.#parts.push(Buffer.from(bytes));
    return this;
  }

  string(value: Uint8Array | string): this {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    return this.uint32(bytes.length).raw(bytes);
  }

  /** A non-negative integer given as unsigned big-endian bytes. */
  mpint(unsigned: Uint8Array): this {
    return this.string(mpintBytes(unsigned));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

export class SshReader {
  #offset = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly what = 'key data',
  ) {}

  get remaining(): number {
    return this.bytes.length - this.#offset;
  }

  uint32(): number {
    this.#need(4);
    const value = this.bytes.readUInt32BE(this.#offset);
    this.#offset += 4;
    return value;
  }

  raw(length: number): Buffer {
    this.#need(length);
    const out = this.bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }

  string(): Buffer {
    return this.raw(this.uint32());
  }

  text(): string {
    return this.string().toString('utf8');
  }

  /** A non-negative mpint, returned as unsigned big-endian bytes without leading zeros. */
  mpint(): Buffer {
    const bytes = this.string();
    if (((bytes[0] ?? 0) & 0x80) !== 0) throw new KeyFileCorrupt(`negative number in ${this.what}`);
    return stripZeros(bytes);
  }

  #need(length: number): void {
    if (length > this.remaining) throw new KeyFileCorrupt(`${this.what} is truncated`);
  }
}

function stripZeros(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

/** The body of an mpint: no leading zero bytes, plus one zero byte when the top bit would read as a sign. */
function mpintBytes(unsigned: Uint8Array): Buffer {
  const trimmed = stripZeros(Buffer.from(unsigned));
  if (((trimmed[0] ?? 0) & 0x80) !== 0) return Buffer.concat([Buffer.from([0]), trimmed]);
  return trimmed;
}

export function bigintFromBytes(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

export function bytesFromBigint(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return Buffer.from(hex, 'hex');
}

/** Base64 split into lines of `width` characters, as PEM armour and PPK files carry it. */
export function wrapBase64(bytes: Uint8Array, width: number): string[] {
  const text = Buffer.from(bytes).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
  return lines;
}
