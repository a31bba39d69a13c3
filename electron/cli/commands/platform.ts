import type { PinnedHostKey } from '../../../shared/src/connections.ts';
import type { GatewayAddress } from '../../../shared/src/gatewayAddress.ts';
import { ENSCALE, type Account, type PlatformProfile } from '../../../shared/src/platform.ts';
import { CodeRequired } from '../../../shared/src/errors.ts';
import { output, stringOption, type Command, type CommandContext } from '../command.ts';
import { checkedApiUrl } from '../../../shared/src/apiMethods.ts';
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
  try {
    new URL(text);
  } catch {
    throw new UsageError(`'${text}' is neither 'enscale' nor an API address (https://…).`);
  }
  try {
    return checkedApiUrl(text);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Password first; a two-factor account then asks for its code (the next line of stdin in scripts). */
async function signInWithPassword(context: CommandContext, login: string): Promise<Account> {
  const password = await readSecret(`Password for ${login}: `);
  try {
    return await context.api.platform.signIn(login, password);
  } catch (error) {
    if (!(error instanceof CodeRequired)) throw error;
    return context.api.platform.verifyCode(await readSecret('Verification code: ', 'verification code'));
  }
}

const CREDENTIALS = {
  session: 'password session',
  token: 'access token (kept in the keychain)',
  environment: 'access token from ENSCALE_SSH_TOKEN (not stored)',
} as const;

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
          ? `Account:  ${state.account.email} (uid ${state.account.uid}), ${CREDENTIALS[state.credential ?? 'session']}`
          : 'Account:  signed out (enscale-ssh login LOGIN, or login --token)';
        return `${describe(state.profile)}\n${who}`;
      });
    },
  },
  {
    words: ['login'],
    options: { token: { type: 'boolean' } },
    args: { min: 0, max: 1 },
    async run(context) {
      const [login] = context.args;
      let account: Account;
      if (context.options['token']) {
        if (login) throw new UsageError('login --token takes no LOGIN: the token names its account.');
        account = await context.api.platform.signInWithToken(await readSecret('Access token: ', 'token'));
      } else {
        if (!login) throw new UsageError("'login' needs your LOGIN (or --token).");
        account = await signInWithPassword(context, login);
      }
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
