import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentStatus } from '../src/store/types.ts';
import { DEMO_UID, GatewayFixture, makeKey, registerKey, type UserKey } from './ssh/helpers.ts';
import { PtyClient } from './ssh/ptyClient.ts';

/** What a hostile tenant-side name tries: retitle the terminal, clear it, reverse the text. */
const HOSTILE = 'ev\u001b]0;owned\u0007il\u001b[2J\u202etxt.exe\u009b';
const SHOWN = 'ev]0;ownedil[2Jtxt.exe';

describe('platform names reach the menu terminal without control characters', () => {
  let fx: GatewayFixture;
  let key: UserKey;

  beforeAll(async () => {
    fx = await GatewayFixture.start();
    key = makeKey(fx.tmp, 'demo_rsa', 'rsa', 2048);
    await registerKey(fx.store, DEMO_UID, key.publicKey);
    await fx.store.createEnvironment({
      envName: HOSTILE,
      ownerUid: DEMO_UID,
      shortdomain: 'hostile',
      domain: 'hostile.sandbox.local',
      status: EnvironmentStatus.Down,
    });
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it('in the list and in the refusal of a stopped environment', async () => {
    const term = PtyClient.start(
      'ssh',
      ['-t', ...fx.ssh(key, String(DEMO_UID))],
      { rows: 40, cols: 120 },
      (c) => fx.processes.track(c),
    );
    const top = await term.expect('Enter [0-5]: ');
    expect(top).toContain(SHOWN);
    const at = term.mark();
    // Environments are listed by name; the hostile one sorts after analytics (3).
    term.send('3\r');
    const refused = await term.expect('Enter [0-5]: ', at);
    expect(refused).toContain(`Environment '${SHOWN}' is stopped`);
    term.send('0\r');
    await term.exit;
    for (const raw of ['\u001b]0;', '\u001b[2J', '\u202e', '\u009b', '\u0007'])
      expect(term.output.includes(raw), JSON.stringify(raw)).toBe(false);
  });
});
