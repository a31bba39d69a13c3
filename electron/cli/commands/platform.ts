import type { PinnedHostKey } from '../../../shared/src/connections.ts';
import type { GatewayAddress } from '../../../shared/src/gatewayAddress.ts';
import { ENSCALE, type PlatformProfile } from '../../../shared/src/platform.ts';
import { output, stringOption, type Command } from '../command.ts';
import { readSecret } from '../prompt.ts';
import { UsageError } from '../usage.ts';

function parseGateway(text: string): GatewayAddress {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]]+):(\d+)$/.exec(text);
  const port = Number(match?.[2]);
  if (!match?.[1] || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`--gateway must be HOST:PORT (e.g. gate.example.com:3022), not '${text}'.`);
  return { host: match[1], port };
}

/** `SHA256:…` as ssh-keygen prints it, or the dashboard's MD5 colon form (`MD5:` optional). */
function parseFingerprint(text: string): PinnedHostKey {
  if (/^SHA256:[A-Za-z0-9+/]{43}$/.test(text)) return { sha256: text };
  const md5 = text.replace(/^MD5:/i, '').toLowerCase();
  if (/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/.test(md5)) return { md5 };
  throw new UsageError(
    `--fingerprint must be SHA256:… (43 characters) or an MD5 aa:bb:… form, not '${text}'.`,
  );
}

function parseApiUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`'${text}' is neither 'enscale' nor an API address (https://…).`);
  }
  return url.href.replace(/\/+$/, '').replace(/\/1\.0$/, '');
}

const describe = (profile: PlatformProfile): string => {
  const pin = profile.gatewayKey?.sha256 ?? (profile.gatewayKey?.md5 && `MD5:${profile.gatewayKey.md5}`);
  return [
    `Platform: ${profile.label} (${profile.apiUrl})`,
    `Gateway:  ${profile.gateway.host}:${profile.gateway.port}`,
    pin
      ? `Host key: pinned, ${pin}`
      : 'Host key: not pinned; the first connection fails and prints the key to pin with --fingerprint.',
  ].join('\n');
};

export const platformCommands: Command[] = [
  {
    words: ['platform', 'use'],
    options: { gateway: { type: 'string' }, fingerprint: { type: 'string' } },
    args: { min: 1, max: 1 },
    async run(context) {
      const [which = ''] = context.args;
      const gateway = stringOption(context, 'gateway');
      const fingerprint = stringOption(context, 'fingerprint');
      let profile: PlatformProfile;
      if (which === 'enscale') {
        if (gateway || fingerprint)
          throw new UsageError(
            'The Enscale preset has its own gateway and pinned key: leave out --gateway and --fingerprint.',
          );
        profile = ENSCALE;
      } else {
        const apiUrl = parseApiUrl(which);
        if (!gateway) throw new UsageError('A custom platform needs its SSH gateway: --gateway HOST:PORT.');
        profile = {
          kind: 'custom',
          label: new URL(apiUrl).host,
          apiUrl,
          gateway: parseGateway(gateway),
          ...(fingerprint ? { gatewayKey: parseFingerprint(fingerprint) } : {}),
        };
      }
      await context.api.platform.useProfile(profile);
      output(context, profile, () => describe(profile));
    },
  },
  {
    words: ['platform', 'show'],
    args: { min: 0, max: 0 },
    async run(context) {
      const state = await context.api.platform.current();
      output(context, state, () => {
        if (!state.profile) return 'No platform chosen: enscale-ssh platform use enscale';
        const who = state.account
          ? `Account:  ${state.account.email} (uid ${state.account.uid})`
          : 'Account:  signed out (enscale-ssh login LOGIN)';
        return `${describe(state.profile)}\n${who}`;
      });
    },
  },
  {
    words: ['login'],
    args: { min: 1, max: 1 },
    async run(context) {
      const [login = ''] = context.args;
      const password = await readSecret(`Password for ${login}: `);
      const account = await context.api.platform.signIn(login, password);
      output(context, account, () => `Signed in as ${account.name || account.email} (uid ${account.uid}).`);
    },
  },
  {
    words: ['logout'],
    args: { min: 0, max: 0 },
    async run(context) {
      await context.api.platform.signOut();
      output(context, { signedOut: true }, () => 'Signed out.');
    },
  },
];
