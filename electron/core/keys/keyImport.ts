import { createPrivateKey, type KeyObject } from 'node:crypto';
import { KeyFileCorrupt, PassphraseRequired, UnsupportedKey, WrongPassphrase } from './errors.ts';
import { isOpenSshPrivateKey, parseOpenSshPrivateKey, type ParsedPrivateKey } from './opensshFormat.ts';
import { isPpk, parsePpk } from './ppk.ts';
import { keyPairFromPrivate } from './sshKey.ts';
import { decodeTextFile, normaliseText } from './textFile.ts';

/** A private key file as the user hands it over: its text, or its raw bytes (e.g. a DER file). */
export interface KeyFileSource {
  readonly text?: string;
  readonly bytes?: Uint8Array;
  readonly passphrase?: string;
}

const PEM_PRIVATE = /-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/;
const PEM_OTHER_PRIVATE = /-----BEGIN (EC|DSA) PRIVATE KEY-----/;
const PUBLIC_KEY =
  /^\s*(ssh-(rsa|ed25519|dss)|ecdsa-sha2-\S+|sk-\S+) AAAA|-----BEGIN (SSH2 |RSA )?PUBLIC KEY-----|---- BEGIN SSH2 PUBLIC KEY ----/;
const UNKNOWN_FORMAT =
  'This is not a private key file Enscale SSH reads: use an OpenSSH, PEM (PKCS#1 or PKCS#8) or PuTTY (.ppk) private key.';

/** Reads OpenSSH, PEM (PKCS#1, PKCS#8, encrypted or not), PuTTY .ppk v2/v3, or DER bytes. */
export async function readKeyFile(source: KeyFileSource): Promise<ParsedPrivateKey> {
  const text = source.text === undefined ? textOf(source.bytes) : normaliseText(source.text);
  if (typeof text !== 'string') return { pair: keyPairFromPrivate(fromDer(text)), comment: '' };
  if (isPpk(text)) return parsePpk(text, source.passphrase);
  if (isOpenSshPrivateKey(text)) return parseOpenSshPrivateKey(text, source.passphrase);
  if (PEM_PRIVATE.test(text))
    return { pair: keyPairFromPrivate(fromPem(text, source.passphrase)), comment: '' };
  if (PEM_OTHER_PRIVATE.test(text)) {
    throw new UnsupportedKey('ECDSA and DSA keys are not supported: use an RSA or Ed25519 key.');
  }
  if (PUBLIC_KEY.test(text)) {
    throw new UnsupportedKey('This is a public key: import the private key file (the one without .pub).');
  }
  throw new UnsupportedKey(UNKNOWN_FORMAT);
}

/** The bytes as text when they are a text key file; as they are when they look binary (DER). */
function textOf(bytes: Uint8Array | undefined): string | Buffer {
  if (!bytes) throw new UnsupportedKey('Nothing to import: give the key file.');
  const buffer = Buffer.from(bytes);
  // DER starts with a SEQUENCE tag; every text format starts with printable characters or a BOM.
  return buffer[0] === 0x30 ? buffer : decodeTextFile(buffer);
}

function fromPem(text: string, passphrase: string | undefined): KeyObject {
  const encrypted =
    text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /Proc-Type:\s*4,ENCRYPTED/.test(text);
  if (encrypted && !passphrase) throw new PassphraseRequired();
  try {
    return createPrivateKey({ key: text, format: 'pem', ...(encrypted ? { passphrase } : {}) });
  } catch {
    if (encrypted) throw new WrongPassphrase('this PEM key');
    throw new KeyFileCorrupt('OpenSSL cannot read the PEM data');
  }
}

function fromDer(bytes: Buffer): KeyObject {
  for (const type of ['pkcs8', 'pkcs1'] as const) {
    try {
      return createPrivateKey({ key: bytes, format: 'der', type });
    } catch {
      // try the next encoding
    }
  }
  throw new UnsupportedKey(UNKNOWN_FORMAT);
}
