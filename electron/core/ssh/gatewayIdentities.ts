import { AuthenticationFailed } from '../../../shared/src/errors.ts';
import { acceptedKeyTypesInWords, type GatewayKeyPolicy, type KeyInfo } from '../../../shared/src/keys.ts';
import { gatewayKeyTypes, type DashboardKey } from '../../../shared/src/platform.ts';
import type { PlatformState } from '../../../shared/src/platformService.ts';
import type { GatewayIdentity } from './keyOffer.ts';

/** OpenSSH's MaxAuthTries, and our gateway's default: the sixth refused key ends the connection. */
export const GATEWAY_AUTH_TRIES = 6;
/** As many keys as can be refused without the gateway hanging up: one less than its limit. */
export const MAX_OFFERED_KEYS = GATEWAY_AUTH_TRIES - 1;
/** How long a dashboard key list is reused: long enough for a burst of tabs, short enough to follow a sync. */
const DASHBOARD_CACHE_MS = 30_000;
/**
 * How long a sign-in waits for the dashboard's list before offering without it. The list is read
 * while the SSH handshake runs, whose ready timeout is 20 s; a platform that is slow to answer (its
 * own timeout is 30 s) must not make the gateway look unreachable.
 */
const DASHBOARD_WAIT_MS = 5_000;

export interface KeyChoice {
  /** The keys to offer, in order: the chosen one, then the newest first. */
  offered: KeyInfo[];
  /** The vault's other keys and why each is left out. */
  left: { key: KeyInfo; reason: string }[];
}

export interface KeyChoiceInput {
  keys: readonly KeyInfo[];
  /** The key the user chose (device setting), if any. */
  chosenId?: string | undefined;
  acceptedTypes: readonly string[];
  /** The dashboard's key blobs; undefined when the list could not be read (no filter then). */
  dashboard?: ReadonlySet<string> | undefined;
  max?: number;
}

/** The blob of an OpenSSH public key line: how keys are compared, whatever their comments. */
export const blobOf = (publicKey: string): string => publicKey.trim().split(/\s+/)[1] ?? '';

const newestFirst = (keys: readonly KeyInfo[]): KeyInfo[] =>
  [...keys].sort((a, b) => b.createdAt.localeCompare(a.createdAt));

/**
 * Which vault keys to offer the gateway, as OpenSSH offers its identities: the chosen key first (if
 * its type is accepted), then every other accepted key that is on the dashboard, newest first, up
 * to one less than the gateway's auth-try limit. A key of a refused type is never offered: it could
 * only spend one of the tries.
 */
export function chooseGatewayKeys(input: KeyChoiceInput): KeyChoice {
  const max = input.max ?? MAX_OFFERED_KEYS;
  const accepted = (key: KeyInfo) => input.acceptedTypes.includes(key.type);
  const offered: KeyInfo[] = [];
  const left: KeyChoice['left'] = [];
  const chosen = input.keys.find((key) => key.id === input.chosenId);
  if (chosen && accepted(chosen)) offered.push(chosen);
  for (const key of newestFirst(input.keys)) {
    if (offered.includes(key)) continue;
    if (!accepted(key))
      left.push({
        key,
        reason: `the gateway accepts ${acceptedKeyTypesInWords(input.acceptedTypes)} keys only`,
      });
    else if (input.dashboard && !input.dashboard.has(blobOf(key.publicKey)))
      left.push({ key, reason: 'not on the dashboard' });
    else if (offered.length >= max)
      left.push({ key, reason: `the gateway takes at most ${max} keys per sign-in` });
    else offered.push(key);
  }
  return { offered, left };
}

/** Why no key could be offered, with what to do, e.g. for "only an Ed25519 key is on this device". */
export function noKeyReason(keys: readonly KeyInfo[], policy: GatewayKeyPolicy): string {
  const gateway = policy.platform ? `the gateway of ${policy.platform}` : 'the gateway';
  const accepted = acceptedKeyTypesInWords(policy.keyTypes);
  const fix = policy.keyTypes.includes('ssh-rsa')
    ? 'Generate an RSA key (Keys → Generate) and sync it (Keys → Sync).'
    : `Import an ${acceptedKeyTypesInWords(policy.keyTypes, 'or')} key and sync it (Keys → Sync).`;
  if (keys.length === 0) return `there is no SSH key on this device yet. ${fix}`;
  const usable = keys.filter((key) => policy.keyTypes.includes(key.type));
  if (usable.length === 0) {
    const types = acceptedKeyTypesInWords(keys.map((key) => key.type));
    const what = keys.length === 1 ? `only an ${types} key is` : `only ${types} keys are`;
    return `${what} on this device; ${gateway} accepts ${accepted} keys only. ${fix}`;
  }
  const names = usable.map((key) => `“${key.name}”`).join(', ');
  return `none of this device's ${accepted} keys (${names}) is on the dashboard. Sync one (Keys → Sync) and try again.`;
}

export interface GatewayIdentitiesOptions {
  vault: { list(): Promise<KeyInfo[]>; privateKeyFor(id: string): Promise<Buffer> };
  /** The key the user chose on this device (`activeKeyId`), if any. */
  chosenKeyId(): Promise<string | undefined>;
  platform: { current(): Promise<PlatformState>; dashboardKeys(): Promise<DashboardKey[]> };
  cacheMs?: number;
  dashboardWaitMs?: number;
}

interface CachedDashboard {
  /** Whose list it is: the platform and the account, so a switch never reuses another's. */
  owner: string;
  fetchedAt: number;
  blobs: Promise<ReadonlySet<string> | undefined>;
  /** The answer once it is in; until then the request is shared, being as fresh as a new one. */
  settled?: ReadonlySet<string> | undefined | 'unknown';
}

/**
 * The vault's keys for each new gateway connection: chosen by `chooseGatewayKeys` against the current
 * platform's key policy and the dashboard's key list. The list is read at most once per connect, and
 * reused for a short while so that opening several tabs at once asks the platform once.
 */
export class GatewayIdentities {
  private cache: CachedDashboard | undefined;

  constructor(private readonly options: GatewayIdentitiesOptions) {}

  /** The private keys to offer, in order; throws AuthenticationFailed, saying why, when none qualifies. */
  async identities(): Promise<GatewayIdentity[]> {
    const { choice, keys, policy } = await this.choose();
    if (choice.offered.length === 0)
      throw new AuthenticationFailed(`No key to offer the SSH gateway: ${noKeyReason(keys, policy)}`, {
        offered: [],
      });
    return Promise.all(
      choice.offered.map(async (key) => ({
        name: key.name,
        privateKey: await this.options.vault.privateKeyFor(key.id),
      })),
    );
  }

  /** What would be offered now, and why the other keys are not. */
  async choose(): Promise<{ choice: KeyChoice; keys: KeyInfo[]; policy: GatewayKeyPolicy }> {
    const [keys, state, chosenId] = await Promise.all([
      this.options.vault.list(),
      this.options.platform.current(),
      this.options.chosenKeyId(),
    ]);
    const policy: GatewayKeyPolicy = {
      keyTypes: gatewayKeyTypes(state.profile),
      ...(state.profile ? { platform: state.profile.label } : {}),
    };
    const usable = keys.filter((key) => policy.keyTypes.includes(key.type));
    // Only worth a request when some key could be left out for not being on the dashboard.
    const dashboard =
      usable.length > 0
        ? await atMost(this.dashboardBlobs(state, usable), this.options.dashboardWaitMs ?? DASHBOARD_WAIT_MS)
        : undefined;
    return {
      choice: chooseGatewayKeys({ keys, chosenId, acceptedTypes: policy.keyTypes, dashboard }),
      keys,
      policy,
    };
  }

  /** Drops the cached dashboard list: after a refusal the next try reads it afresh. */
  forget(): void {
    this.cache = undefined;
  }

  /**
   * The dashboard's key blobs for this connect. A cached list is reused while it is young and leaves
   * none of the usable keys out; one that would leave a key out is read again, since that key may
   * have been synced since (a key deleted from the dashboard since costs one try, no more).
   */
  private dashboardBlobs(
    state: PlatformState,
    usable: readonly KeyInfo[],
  ): Promise<ReadonlySet<string> | undefined> {
    const owner = `${state.profile?.apiUrl ?? ''}|${state.account?.uid ?? ''}`;
    const now = Date.now();
    const cached = this.cache;
    if (cached?.owner === owner && now - cached.fetchedAt < (this.options.cacheMs ?? DASHBOARD_CACHE_MS)) {
      const known = cached.settled;
      if (known === undefined || known === 'unknown') return cached.blobs;
      if (usable.every((key) => known.has(blobOf(key.publicKey)))) return cached.blobs;
    }
    const entry: CachedDashboard = { owner, fetchedAt: now, blobs: Promise.resolve(undefined) };
    entry.blobs = this.options.platform.dashboardKeys().then(
      (list) => (entry.settled = new Set(list.map((key) => blobOf(key.publicKey)))),
      // The list only spares the gateway keys it would refuse; the gateway is the judge. So when it
      // cannot be had — the platform unreachable, a token without GetSSHKeys (PermissionDenied),
      // signed out — every accepted key is offered rather than none.
      () => {
        entry.settled = 'unknown';
        return undefined;
      },
    );
    this.cache = entry;
    return entry.blobs;
  }
}

/** The promise's value, or undefined once `ms` have passed without one. */
function atMost<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Keys given for one run (`--identity`): exactly these are offered, up to the gateway's limit. */
export function givenIdentities(identities: readonly GatewayIdentity[]): GatewayIdentity[] {
  if (identities.length === 0)
    throw new AuthenticationFailed('No key to offer the SSH gateway: no --identity key was given.', {
      offered: [],
    });
  return identities.slice(0, MAX_OFFERED_KEYS);
}
