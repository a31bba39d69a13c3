// The npm package ships no types; this is the one function the OpenSSH key format needs.
declare module 'bcrypt-pbkdf' {
  interface BcryptPbkdf {
    /** Fills `key` with bcrypt_pbkdf(pass, salt, rounds) as OpenBSD defines it; returns 0, or -1 on bad input. */
    pbkdf(
      pass: Uint8Array,
      passlen: number,
      salt: Uint8Array,
      saltlen: number,
      key: Uint8Array,
      keylen: number,
      rounds: number,
    ): number;
  }
  const bcryptPbkdf: BcryptPbkdf;
  export default bcryptPbkdf;
}
