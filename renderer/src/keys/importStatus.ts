import type { KeyInfo } from '../../../shared/src/keys.ts';

/**
 * The status line after an import. "Add it to the dashboard" only when a key the gateway takes was
 * imported: the others get their warning instead (see KeyWarning).
 */
export function importedStatus(imported: readonly KeyInfo[]): string | undefined {
  if (imported.length === 0) return undefined;
  const names = imported.map((key) => `${key.name} (${key.fingerprints.sha256})`).join(', ');
  const forGateway = imported.some((key) => key.gatewayAccepts !== false);
  return forGateway ? `Imported ${names}. Add it to the dashboard to use it.` : `Imported ${names}.`;
}
