import ipaddr from 'ipaddr.js';

/**
 * The key a caller's address is throttled by. An IPv4 address counts alone; an IPv4-mapped IPv6
 * address (`::ffff:10.0.0.1`, what a server listening on `::` sees) counts as that IPv4 address; an
 * IPv6 address counts by its /64, since one subscriber is routinely given a whole /64 and could
 * otherwise change address on every attempt.
 */
export function addressKey(address: string | undefined): string {
  if (address === undefined || !ipaddr.isValid(address)) return 'unknown';
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const prefix = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...prefix, 0, 0, 0, 0]).toString()}/64`;
}
