import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_UID, SHOP_APACHE, SHOP_DB, makeKey, until, type UserKey } from '../ssh/helpers.ts';
import { runLimited } from './support/fuzzKit.ts';
import { Random, mib } from './support/random.ts';
import { SandboxProcess } from './support/SandboxProcess.ts';
import type { MemorySample } from './support/sandboxProtocol.ts';
import { exec, login, logout } from './support/sshClient.ts';

/**
 * 10,000 generated inputs typed into the interactive menu (long lines, control characters, escape
 * sequences, huge numbers, raw bytes, and some real navigation), each on a menu of its own, with Enter
 * and Ctrl-C after it. Whatever came before, Ctrl-C must end the menu ("Bye."); the screen must never
 * show an escape sequence or more than a line's worth of echo; only the user's own nodes can be
 * entered; and the gateway's memory must end near where it started.
 */
const SEED = 0x5eed_0009;
const INPUTS = 10_000;
/** Menus open at once, spread over a few connections. */
const CONNECTIONS = 4;
const PER_CONNECTION = 4;
/**
 * 8 MiB where the run measured +1.3 MiB (figures on stdout): a leak of 840 bytes per input (10,000
 * of them) crosses it. The sample follows two full collections.
 */
const HEAP_GROWTH_LIMIT = 8 * 1024 * 1024;
const RSS_GROWTH_LIMIT = 160 * 1024 * 1024;
const TOP_PROMPT = 'Enter [0-4]: ';
const ANALYTICS_DB = 518860;

interface MenuInput {
  kind: string;
  bytes: Buffer;
}

interface Outcome {
  output: string;
  exitCode: number | null;
  enteredNode: number | undefined;
}

describe('fuzzing the interactive menu', () => {
  let sandbox: SandboxProcess;
  let tmp: string;
  let key: UserKey;
  let baseline: MemorySample;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'fuzz-menu-'));
    sandbox = await SandboxProcess.start({});
    key = makeKey(tmp, 'demo_rsa', 'rsa', 2048);
    await sandbox.registerKey(DEMO_UID, key.publicKey);
    const client = await connect();
    // Warm up menu and node paths before the baseline.
    await typeInto(client, { kind: 'warm-up', bytes: Buffer.from('2\r2\r') });
    await logout(client);
    baseline = await sandbox.memory();
  });
  afterAll(async () => {
    console.info(`fuzzMenu figures: ${JSON.stringify(figures)}`);
    await sandbox?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function connect(): Promise<ssh2.Client> {
    const result = await login({
      address: sandbox.address,
      username: String(DEMO_UID),
      privateKey: readFileSync(key.privatePath),
      hostKeys: sandbox.hostKeys,
    });
    if (!('client' in result)) throw result.error;
    return result.client;
  }

  // Generated once, in order, from the seed; typed in four parts, each a test of its own (a slow,
  // shared machine then never runs one test for minutes).
  const random = new Random(SEED);
  const inputs = Array.from({ length: INPUTS }, () => menuInput(random));
  const PARTS = 4;
  const entered: Record<string, number> = {};
  let bytesTyped = 0;
  let typed = 0;

  it.each(Array.from({ length: PARTS }, (_, part) => part))(
    `keeps part %i of ${INPUTS} hostile inputs inside the menu, and Ctrl-C always leaves`,
    async (part) => {
      const size = INPUTS / PARTS;
      const clients = await Promise.all(Array.from({ length: CONNECTIONS }, () => connect()));
      await runLimited(
        inputs.slice(part * size, (part + 1) * size),
        CONNECTIONS * PER_CONNECTION,
        async (input, i) => {
          const index = part * size + i;
          const client = clients[index % CONNECTIONS] as ssh2.Client;
          bytesTyped += input.bytes.length;
          typed++;
          const outcome = await typeInto(client, input);
          const label = `input ${index} (${input.kind}): ${JSON.stringify(input.bytes.toString('latin1').slice(0, 200))}`;
          if (outcome.enteredNode !== undefined) {
            // Only by choosing an environment and then a node, i.e. an input with Enter inside it.
            expect(input.bytes.includes(0x0d) || input.bytes.includes(0x0a), label).toBe(true);
            expect([SHOP_APACHE, SHOP_DB, ANALYTICS_DB], label).toContain(outcome.enteredNode);
            entered[outcome.enteredNode] = (entered[outcome.enteredNode] ?? 0) + 1;
            return;
          }
          expect(outcome.output, label).toContain('Bye.');
          expect(outcome.exitCode, label).toBe(0);
          // Screens and echo only: no escape sequence, no C1 control, nothing of another tenant.
          // eslint-disable-next-line no-control-regex -- looking for control characters is the point
          expect(outcome.output, label).not.toMatch(/[\x1b\x80-\x9f]/);
          expect(outcome.output, label).not.toMatch(/blog|518900/);
          for (const match of outcome.output.matchAll(/Invalid choice "([^"]*)"/g)) {
            expect((match[1] ?? '').length, label).toBeLessThanOrEqual(16);
          }
        },
      );
      await Promise.all(clients.map((client) => logout(client)));
    },
    // A hang guard only, far above what a part needs, for a machine shared with other test runs.
    600_000,
  );

  it('still serves a normal client afterwards, with every menu audited and memory near where it started', async () => {
    expect(typed).toBe(INPUTS);
    const kinds: Record<string, number> = {};
    for (const input of inputs) kinds[input.kind] = (kinds[input.kind] ?? 0) + 1;
    expect(sandbox.alive).toBe(true);
    // A normal login and command still work.
    const check = await login({
      address: sandbox.address,
      username: `${SHOP_APACHE}-${DEMO_UID}`,
      privateKey: readFileSync(key.privatePath),
      hostKeys: sandbox.hostKeys,
    });
    if (!('client' in check)) throw check.error;
    expect((await exec(check.client, 'echo ok')).stdout).toBe('ok\n');
    await logout(check.client);

    // Every menu that ran is in the audit log (the warm-up's too); the last lines follow their closes.
    const menus = () => sandbox.auditEvents().filter((e) => e.event === 'channel' && e.channel === 'menu');
    await until(() => menus().length >= INPUTS + 1, 'every menu in the audit log');
    const after = await sandbox.memory();
    figures['menu'] = {
      inputs: INPUTS,
      kinds,
      bytesTyped,
      nodeShellsEntered: entered,
      heapGrowthMiB: mib(after.heapUsed - baseline.heapUsed),
      rssGrowthMiB: mib(after.rss - baseline.rss),
      baselineRssMiB: mib(baseline.rss),
    };
    expect(after.heapUsed - baseline.heapUsed).toBeLessThan(HEAP_GROWTH_LIMIT);
    expect(after.rss - baseline.rss).toBeLessThan(RSS_GROWTH_LIMIT);
  });
});

/**
 * Opens a menu, waits for its first prompt, types the input, then Enter and Ctrl-C (each its own
 * packet), and reads until the menu closes — or, when the input led into a node's shell, closes it.
 */
function typeInto(client: ssh2.Client, input: MenuInput): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    client.shell({ term: 'xterm', rows: 40, cols: 120 }, (error, channel) => {
      if (error) return reject(error);
      let output = '';
      let typed = false;
      let exitCode: number | null = null;
      let enteredNode: number | undefined;
      // Only turns a hang into a failure that shows the input; far above what a menu needs.
      const timer = setTimeout(() => {
        reject(
          new Error(
            `menu never ended after ${JSON.stringify(input.bytes.toString('latin1').slice(0, 300))}; it showed ${JSON.stringify(output.slice(-500))}`,
          ),
        );
        channel.close();
      }, 60_000);
      channel.on('exit', (code: number | null) => (exitCode = code));
      channel.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      channel.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (!typed && output.includes(TOP_PROMPT)) {
          typed = true;
          channel.write(input.bytes);
          channel.write('\r');
          channel.write('\x03');
        }
        const node = /Connecting to node (\d+)/.exec(output);
        if (node && enteredNode === undefined) {
          enteredNode = Number(node[1]);
          channel.close();
        }
      });
      channel.once('close', () => {
        clearTimeout(timer);
        resolve({ output, exitCode, enteredNode });
      });
    });
  });
}

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i)).join('');

function menuInput(random: Random): MenuInput {
  const text = (kind: string, value: string): MenuInput => ({ kind, bytes: Buffer.from(value, 'utf8') });
  switch (random.int(12)) {
    case 0:
      return text(
        'long-line',
        random.string(random.between(17, random.chance(0.1) ? 100_000 : 2_000), PRINTABLE),
      );
    case 1: {
      // Control characters among digits (not Ctrl-C / Ctrl-D, which end the menu by themselves).
      const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).filter(
        (c) => c !== '\x03' && c !== '\x04',
      );
      return text('control', random.string(random.between(1, 64), controls.join('') + '0123456789'));
    }
    case 2:
      return text('escape', escapeSequence(random));
    case 3: {
      // Several escape sequences, possibly unfinished, with digits between them.
      let value = '';
      for (let i = random.between(1, 6); i > 0; i--)
        value += escapeSequence(random) + random.string(random.between(0, 3), '0123456789');
      return text('escapes', value);
    }
    case 4:
      return text(
        'huge-number',
        random.pick([
          '9'.repeat(random.between(7, 5_000)),
          String(2 ** 31),
          String(2 ** 53 + 1),
          '1e309',
          '-1',
          '-0',
          '0x2',
          '+2',
          '2.0',
          '  2  ',
          '0000000000000000002',
          '00',
          'NaN',
          'Infinity',
          '１',
          '٢',
        ]),
      );
    case 5:
      return text('unicode', random.string(random.between(1, 40), 'üñíçødé漢字🔑\u200b\u202e\u2028\ufeff'));
    case 6:
      return { kind: 'raw-bytes', bytes: random.bytes(random.between(1, 512)) };
    case 7:
      return text('choice', random.pick(['0', '1', '2', '3', '4', ' 3', '3 ']));
    case 8:
      // Real navigation with Enter inside: into an environment and back, a stopped one, refresh.
      return text(
        'navigation',
        random.pick(['2\r0', '2\r1\r0', '3\r1', '1\r3', '2\r9\r0', '2\r\n0', '3\n2\n0']),
      );
    case 9:
      // Into a node: rare, since each one starts a real shell on a node.
      return random.chance(0.02) ? text('into-node', random.pick(['2\r2', '2\r3'])) : text('choice', '1');
    case 10:
      return text('backspace', random.string(random.between(1, 40), '0123\x7f\x08\x15 '));
    default:
      return {
        kind: 'c1',
        bytes: Buffer.from(Array.from({ length: random.between(1, 16) }, () => random.between(0x80, 0x9f))),
      };
  }
}

function escapeSequence(random: Random): string {
  const params = random.string(random.between(0, 12), '0123456789;?:<=>');
  switch (random.int(9)) {
    case 0:
      return `\x1b[${params}${random.pick(['A', 'B', 'C', 'D', 'H', 'm', '~', 'J', 'K'])}`;
    case 1:
      return `\x1b[${params}`; // never finished
    case 2:
      return `\x1bO${random.pick(['A', 'P', 'Q', ''])}`;
    case 3:
      return `\x1b]0;${random.string(random.between(0, 40), PRINTABLE)}${random.pick(['\x07', '\x1b\\', ''])}`;
    case 4:
      return `\x1b]52;c;${Buffer.from('rm -rf ~').toString('base64')}\x07`;
    case 5:
      return `\x1b[200~${random.string(random.between(0, 20), PRINTABLE)}\x1b[201~`;
    case 6:
      return `\x1b[M${random.string(3, PRINTABLE)}`;
    case 7:
      return '\x1b';
    default:
      return `\x1bP${random.string(random.between(0, 20), PRINTABLE)}\x1b\\`;
  }
}
