import * as v from 'valibot';
import { integer } from '../args.ts';

/** Where a connection goes (connections.ts, gatewayAddress.ts): part of most services' arguments. */
export const GatewayAddressSchema = v.strictObject({ host: v.string(), port: integer(1, 65535) });

export const PinnedHostKeySchema = v.strictObject({
  keyType: v.optional(v.picklist(['ssh-rsa', 'ssh-ed25519', 'ecdsa-sha2-nistp256'])),
  md5: v.optional(v.string()),
  sha256: v.optional(v.string()),
});

export const ConnectionTargetSchema = v.strictObject({
  gateway: GatewayAddressSchema,
  username: v.string(),
  pinned: v.optional(PinnedHostKeySchema),
  hostId: v.optional(v.pipe(v.string(), v.maxLength(64))),
});

export const text = v.string();
