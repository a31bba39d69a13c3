import ipaddr from 'ipaddr.js';

/**
 * The unit the gateway and the platform API count a caller by, as OpenSSH's
 * PerSourceNetBlockSize 32:64 does: one IPv4 address, or one IPv6 /64. A single IPv6 host usually
 * owns a whole /64 (2^64 addresses), so keying IPv6 per address would give an attacker a fresh,
 * unthrottled identity for every attempt. `::ffff:a.b.c.d` (what a server listening on `::` sees)
 * is the IPv4 address it wraps; a zone (`%eth0`) is ignored. Anything unparsable is 'unknown'.
 */
export function sourceKey(address: string | undefined): string {
  if (address === undefined || !ipaddr.isValid(address)) return 'unknown';
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const prefix = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${prefix.join(':')}::/64`;
}
