import { Sandbox } from '@enscale-ssh/gateway';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../shared/src/platform.ts';
import { json, runCli } from './runCli.ts';

/** A name a hostile tenant-side party could give: retitle, clear, reverse, and a C1 CSI. */
const HOSTILE = 'ev\u001b]0;owned\u0007il\u001b[2J\u202etxt\u009b2J';
const RAW = ['\u001b', '\u0007', '\u202e', '\u009b'];

let sandbox: Sandbox;
let dir: string;
let profile: string;
const cli = (args: string[], input?: string) => runCli(profile, args, input);

beforeAll(async () => {
  sandbox = await Sandbox.start({ apiPort: 0 });
  dir = mkdtempSync(join(tmpdir(), 'cli-names-'));
  profile = join(dir, 'profile');
  await sandbox.store.createEnvironment({
    envName: HOSTILE,
    ownerUid: 4856,
    shortdomain: 'hostile',
    domain: 'hostile.sandbox.local',
    status: 2,
  });
  expect((await cli(['platform', 'use', sandbox.ready.api, '--gateway', '127.0.0.1:1'])).code).toBe(0);
  expect((await cli(['login', 'demo@sandbox.local'], 'demo\n')).code).toBe(0);
});
afterAll(async () => {
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the CLI prints platform strings without terminal controls', () => {
  it('in text: the name shows, its controls do not', async () => {
    const text = await cli(['envs']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('ev]0;ownedil[2Jtxt2J');
    for (const raw of RAW) expect(text.stdout.includes(raw), JSON.stringify(raw)).toBe(false);
  });

  it('in JSON: escaped, and read back to the exact name', async () => {
    const out = await cli(['--json', 'envs']);
    for (const raw of RAW) expect(out.stdout.includes(raw), JSON.stringify(raw)).toBe(false);
    expect(json<Environment[]>(out).map((env) => env.envName)).toContain(HOSTILE);
  });
});
