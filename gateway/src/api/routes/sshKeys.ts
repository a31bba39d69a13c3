import type { FastifyInstance } from 'fastify';
import { InvalidPublicKeyError, parsePublicKey } from '../../keys/publicKey.ts';
import { DuplicateKeyError, type Store } from '../../store/Store.ts';
import type { SshKeyRecord } from '../../store/types.ts';
import type { Authenticator } from '../Authenticator.ts';
import { ApiError, ResultCode, success } from '../envelope.ts';
import { registerMethod } from '../method.ts';

/**
 * Where the key methods are served. Real installs have them under management/account, older ones
 * (and Jelastic's own JPS scripts) under users/account; `both` serves the two.
 */
export type KeyApi = 'both' | 'users' | 'management';

const KEY_PREFIXES: Record<KeyApi, readonly string[]> = {
  both: ['management/account', 'users/account'],
  users: ['users/account'],
  management: ['management/account'],
};

const BOOLEAN = { source: '^(true|false)$', describe: "must be 'true' or 'false'" };

/** The key as getsshkeys lists it: Jelastic's fields, plus the type, size and SHA256 fingerprint. */
const keyView = (key: SshKeyRecord) => ({
  id: key.id,
  title: key.title,
  publicKey: key.publicKey,
  fingerPrint: key.fingerprintMd5,
  fingerPrintSha256: key.fingerprintSha256,
  algorithm: key.algorithm,
  bits: key.bits,
  isPrivate: false,
  isDeleted: false,
  createdOn: key.createdAt.toISOString(),
});

export function sshKeyRoutes(
  app: FastifyInstance,
  auth: Authenticator,
  store: Store,
  keyApi: KeyApi = 'both',
): void {
  const PREFIXES = KEY_PREFIXES[keyApi];
  registerMethod(
    app,
    PREFIXES,
    'addsshkey',
    {
      session: { maxLength: 256 },
      title: { maxLength: 128 },
      sshKey: { maxLength: 16_384 },
      isPrivate: { optional: true, pattern: BOOLEAN },
    },
    async (p, call) => {
      const user = await auth.requireUser(p.session, call.method);
      if (p.isPrivate === 'true') {
        throw new ApiError(
          ResultCode.InvalidParameter,
          'This platform does not store private keys: add the public key with isPrivate=false.',
        );
      }
      let parsed;
      try {
        parsed = parsePublicKey(p.sshKey);
      } catch (error) {
        if (error instanceof InvalidPublicKeyError) throw new ApiError(ResultCode.InvalidKey, error.message);
        throw error;
      }
      try {
        const key = await store.addKey({
          uid: user.uid,
          title: p.title.trim(),
          algorithm: parsed.algorithm,
          bits: parsed.bits,
          publicKey: parsed.openssh,
          fingerprintSha256: parsed.fingerprintSha256,
          fingerprintMd5: parsed.fingerprintMd5,
        });
        return success({ key: keyView(key) });
      } catch (error) {
        if (error instanceof DuplicateKeyError) {
          throw new ApiError(
            ResultCode.KeyAlreadyExists,
            `This SSH key is already added (key id ${error.existingId}).`,
          );
        }
        throw error;
      }
    },
  );

  registerMethod(
    app,
    PREFIXES,
    'getsshkeys',
    { session: { maxLength: 256 }, isPrivate: { optional: true, pattern: BOOLEAN } },
    async (p, call) => {
      const user = await auth.requireUser(p.session, call.method);
      // Private keys are never stored here, so asking for them yields an empty list.
      const keys = p.isPrivate === 'true' ? [] : await store.listKeys(user.uid);
      return success({ keys: keys.map(keyView) });
    },
  );

  registerMethod(
    app,
    PREFIXES,
    'deletesshkey',
    {
      session: { maxLength: 256 },
      id: { maxLength: 12, pattern: { source: '^[0-9]+$', describe: 'must be a key id (digits)' } },
    },
    async (p, call) => {
      const user = await auth.requireUser(p.session, call.method);
      const key = await store.getKey(Number(p.id));
      if (!key) throw new ApiError(ResultCode.NotFound, `SSH key ${p.id} not found.`);
      if (key.uid !== user.uid)
        throw new ApiError(ResultCode.PermissionDenied, `SSH key ${p.id} is not yours to delete.`);
      await store.deleteKey(key.id);
      return success();
    },
  );
}
