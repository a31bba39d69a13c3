import { ENSCALE, ENSCALE_OLD_GATEWAY_NAMES, type PlatformProfile } from '../../../shared/src/platform.ts';
import type { GatewayAddress } from '../../../shared/src/gatewayAddress.ts';

/**
 * The gateway sessions are matched against: the current platform's, and for Enscale also the names
 * its gateway had before (a PuTTY session saved years ago may still say `ssh.enscale.com`).
 */
export function importGateway(
  profile: PlatformProfile | null | undefined,
): (GatewayAddress & { otherNames: readonly string[] }) | undefined {
  if (!profile) return undefined;
  const enscale = profile.gateway.host === ENSCALE.gateway.host;
  return { ...profile.gateway, otherNames: enscale ? ENSCALE_OLD_GATEWAY_NAMES : [] };
}
