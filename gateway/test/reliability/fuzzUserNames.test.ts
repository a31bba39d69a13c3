import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_UID, SHOP_APACHE, makeKey, type UserKey } from '../ssh/helpers.ts';
import { isGatewayUserName, parsedKey, runLimited, tryNames } from './support/fuzzKit.ts';
import { Random, mib } from './support/random.ts';
import { SandboxProcess } from './support/SandboxProcess.ts';
import type { MemorySample } from './support/sandboxProtocol.ts';
import { exec, login, logout } from './support/sshClient.ts';

/**
 * 10,000 generated user names, each on a connection of its own (ssh2's server, as RFC 4252 allows,
 * drops a connection whose user name changes between attempts), against a gateway in a process of its
 * own: no name logs in, each attempt is one audit line with the name bounded and printable, the
 * gateway's own grammar agrees with an independent one, and memory ends near where it started.
 */
const SEED = 0x5eed_0008;
const USER_NAMES = 10_000;
const PARALLEL = 8;
/**
 * 8 MiB where the run measured +0.7 MiB (figures on stdout): a leak of 840 bytes per user name
 * (10,000 of them) crosses it. The sample follows two full collections.
 */
const HEAP_GROWTH_LIMIT = 8 * 1024 * 1024;
const RSS_GROWTH_LIMIT = 160 * 1024 * 1024;

describe('fuzzing gateway user names', () => {
  let sandbox: SandboxProcess;
  let tmp: string;
  let key: UserKey;
  let stranger: UserKey;
  let baseline: MemorySample;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'fuzz-names-'));
    // One source sends every attempt; a lockout would end the run before it tests anything.
    sandbox = await SandboxProcess.start({ penaltyFailures: 1_000_000, maxUnauthenticated: 1_000 });
    key = makeKey(tmp, 'demo_rsa', 'rsa', 2048);
    stranger = makeKey(tmp, 'stranger_rsa', 'rsa', 2048);
    await sandbox.registerKey(DEMO_UID, key.publicKey);
    await normalClientWorks();
    baseline = await sandbox.memory();
  });
  afterAll(async () => {
    console.info(`fuzzUserNames figures: ${JSON.stringify(figures)}`);
    await sandbox?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function normalClientWorks(): Promise<void> {
    const result = await login({
      address: sandbox.address,
      username: `${SHOP_APACHE}-${DEMO_UID}`,
      privateKey: readFileSync(key.privatePath),
      hostKeys: sandbox.hostKeys,
    });
    if (!('client' in result)) throw result.error;
    const run = await exec(result.client, 'echo still-here');
    await logout(result.client);
    expect(run).toMatchObject({ code: 0, stdout: 'still-here\n' });
  }

  // Generated once, in order, from the seed; tried in four parts so that each part is a test of its
  // own (a slow, shared machine then never runs one test for minutes).
  const random = new Random(SEED + 1);
  const attempts = Array.from({ length: USER_NAMES }, () => {
    const name = userName(random);
    const method = random.chance(0.8)
      ? ('publickey' as const)
      : random.chance(0.5)
        ? ('password' as const)
        : ('keyboard-interactive' as const);
    return { name, method };
  });
  const PARTS = 4;
  const totals = { logins: 0, failures: 0, malformed: 0 };

  it.each(Array.from({ length: PARTS }, (_, part) => part))(
    `refuses part %i of ${USER_NAMES} generated user names, logging each one bounded and printable`,
    async (part) => {
      const size = USER_NAMES / PARTS;
      const mine = attempts.slice(part * size, (part + 1) * size);
      const auditFrom = sandbox.auditLines().length;
      const strangerKey = parsedKey(readFileSync(stranger.privatePath));
      // ssh2's server drops a connection whose user name changes between attempts (as RFC 4252
      // allows), so every name gets a connection of its own.
      let logins = 0;
      await runLimited(mine, PARALLEL, async (attempt) => {
        if (await tryNames(sandbox.address, sandbox.hostKeys, [attempt], strangerKey)) logins++;
      });
      expect(logins).toBe(0);
      expect(sandbox.alive).toBe(true);

      const lines = sandbox.auditLines().slice(auditFrom);
      for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
      const failures = sandbox
        .auditEvents()
        .slice(auditFrom)
        .filter((e) => e.event === 'auth' && e.result === 'failure');
      expect(failures).toHaveLength(mine.length);
      let malformed = 0;
      for (const [index, event] of failures.entries()) {
        if (event.event !== 'auth') continue;
        // Bounded (64 characters, each at most a 6-character escape, and the length), printable ASCII
        // only: a name can neither flood the log nor forge a line or a terminal escape in it.
        expect(event.user.length, `name ${index}`).toBeLessThanOrEqual(64 * 6 + 24);
        expect(event.user).toMatch(/^[\x20-\x7e]*$/);
        if (event.reason?.startsWith('malformed user name')) malformed++;
      }
      expect(malformed).toBe(mine.filter((a) => !isGatewayUserName(a.name)).length);
      totals.logins += logins;
      totals.failures += failures.length;
      totals.malformed += malformed;
    },
    // A hang guard only, far above what a part needs, for a machine shared with other test runs.
    600_000,
  );

  it('still serves a normal client afterwards, with its memory near where it started', async () => {
    expect(totals).toEqual({
      logins: 0,
      failures: USER_NAMES,
      malformed: attempts.filter((a) => !isGatewayUserName(a.name)).length,
    });
    await normalClientWorks();
    const after = await sandbox.memory();
    figures['userNames'] = {
      names: USER_NAMES,
      wellFormed: USER_NAMES - totals.malformed,
      malformed: totals.malformed,
      connections: USER_NAMES,
      heapGrowthMiB: mib(after.heapUsed - baseline.heapUsed),
      rssGrowthMiB: mib(after.rss - baseline.rss),
      baselineRssMiB: mib(baseline.rss),
    };
    expect(after.heapUsed - baseline.heapUsed).toBeLessThan(HEAP_GROWTH_LIMIT);
    expect(after.rss - baseline.rss).toBeLessThan(RSS_GROWTH_LIMIT);
  });
});

/** User names a scanner, a confused script or an attacker might send. */
function userName(random: Random): string {
  const digits = (n: number) => random.string(n, '0123456789');
  switch (random.int(14)) {
    case 0:
      return digits(random.between(1, 12));
    case 1:
      return `${digits(random.between(1, 11))}-${digits(random.between(1, 11))}`;
    case 2:
      return random.pick([
        'root',
        'admin',
        'ubuntu',
        'git',
        'test',
        'user',
        'oracle',
        'postgres',
        'ec2-user',
        'pi',
      ]);
    case 3:
      return random.pick([
        "4856' OR '1'='1",
        '4856; DROP TABLE users',
        '4856--',
        '../../etc/passwd',
        '%s%s%n',
        '${jndi:ldap://x/a}',
        '$(reboot)',
        '`id`',
      ]);
    case 4:
      return random.string(random.between(1, 40), '\u0000\u0001\u001b\u007f\r\n\t\b[];');
    case 5:
      return `${digits(6)}-${DEMO_UID}\u001b]0;owned\u0007`;
    case 6:
      return random.string(random.between(1, 30), 'üñíçødé漢字🔑٤٨٥٦４８５６\u200b\u202e');
    case 7:
      return '9'.repeat(random.between(11, 20_000));
    case 8:
      return `${digits(random.between(1, 6))}${random.pick([' ', '\t', '\n', '\0', '.', '+', 'e3'])}`;
    case 9:
      return `0${digits(random.between(1, 9))}`;
    case 10:
      return String(2 ** 31 + random.int(1_000_000));
    case 11:
      return `${random.between(1, 2 ** 31 - 1)}-${random.between(1, 2 ** 31 - 1)}`;
    case 12:
      return random.bytes(random.between(1, 64)).toString('latin1');
    default:
      return '';
  }
}
