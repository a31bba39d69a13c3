import { Secret, TOTP } from 'otpauth';

/**
 * RFC 6238 codes as authenticator apps make them (SHA-1, 6 digits, 30 s): what the dashboard's
 * "Set Up Two-Factor Authentication" QR code configures.
 */
const PERIOD_SECONDS = 30;

/** A new base32 secret of 160 bits, the size RFC 4226 recommends. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/**
 * The time step of `code` if it is valid at `now`, allowing one step either side for clock drift;
 * undefined for a wrong or expired code.
 */
export function acceptedStep(secret: string, code: string, now: Date): number | undefined {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), period: PERIOD_SECONDS });
  const timestamp = now.getTime();
  const delta = totp.validate({ token: code, timestamp, window: 1 });
  if (delta === null) return undefined;
  return TOTP.counter({ period: PERIOD_SECONDS, timestamp }) + delta;
}
