import type { GatewayOptions } from './GatewayOptions.ts';

type SlotOptions = Pick<
  GatewayOptions,
  'maxUnauthenticated' | 'maxUnauthenticatedPerSource' | 'earlyDropStart' | 'earlyDropRate'
>;

/**
 * Connections that have not authenticated yet, gateway-wide and per source (see ../sourceKey.ts),
 * and the decision to admit one more. Three limits, as OpenSSH has them:
 * - a per-source share, so one address cannot hold every slot (measured before it existed: 30
 *   idle + 60 garbage sockets from 127.0.0.2 made an honest `ssh` from 127.0.0.1 fail);
 * - random early drop (MaxStartups start:rate:full): from `earlyDropStart` unauthenticated
 *   connections a new one is refused with probability `earlyDropRate`%, rising linearly to 100% at
 *   the cap, so that many sources together cannot fill the gateway deterministically either;
 * - the hard cap.
 */
export class PreAuthSlots {
  private total = 0;
  private readonly perSource = new Map<string, number>();
  private readonly perSourceCap: number;
  private readonly dropStart: number;

  constructor(
    private readonly options: SlotOptions,
    private readonly random: () => number,
  ) {
    const cap = options.maxUnauthenticated;
    this.perSourceCap = options.maxUnauthenticatedPerSource || Math.max(2, Math.floor(cap / 8));
    // Below 16 slots a coin-flip zone would be one or two slots wide and only make small test
    // gateways unpredictable, so the derived default turns early drop off there.
    this.dropStart = options.earlyDropStart || (cap >= 16 ? Math.floor(cap / 2) : cap);
  }

  /** Why a new connection from `source` is refused, or undefined when it may take a slot. */
  refusal(source: string): string | undefined {
    const cap = this.options.maxUnauthenticated;
    if (this.total >= cap) return `too many unauthenticated connections (${this.total})`;
    const mine = this.perSource.get(source) ?? 0;
    if (mine >= this.perSourceCap) {
      return `too many unauthenticated connections from this source (${mine})`;
    }
    if (this.total >= this.dropStart && this.dropStart < cap) {
      const rate = this.options.earlyDropRate / 100;
      const chance = rate + ((1 - rate) * (this.total - this.dropStart)) / (cap - this.dropStart);
      if (this.random() < chance) {
        return `random early drop at ${this.total} unauthenticated connections`;
      }
    }
    return undefined;
  }

  take(source: string): void {
    this.total++;
    this.perSource.set(source, (this.perSource.get(source) ?? 0) + 1);
  }

  release(source: string): void {
    this.total--;
    const left = (this.perSource.get(source) ?? 1) - 1;
    if (left > 0) this.perSource.set(source, left);
    else this.perSource.delete(source);
  }
}
