import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  configPath,
  hostAlias,
  sshConfigText,
  type SshConfigInput,
} from '../../../electron/core/sshConfig/sshConfigText.ts';
import { InvalidInput } from '../../../shared/src/errors.ts';

const nodes: SshConfigInput['nodes'] = [
  { envName: 'shop', nodeId: 518839, label: 'Apache 2.4', uid: 4856 },
  { envName: 'shop', nodeId: 518840, label: 'MariaDB 10', uid: 4856 },
];

const input = (overrides: Partial<SshConfigInput>): SshConfigInput => ({
  nodes,
  gateway: { host: 'sshgateway.io', port: 3022 },
  agentSocket: '/home/ann/.config/Enscale SSH/agent/agent.sock',
  knownHostsFile: '/home/ann/.config/Enscale SSH/ssh/known_hosts',
  platform: 'linux',
  purpose: 'copy',
  ...overrides,
});

const dir = mkdtempSync(join(tmpdir(), 'ssh-config-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What OpenSSH itself reads from the text for a host (`ssh -G`: the options after parsing). */
function sshSees(text: string, host: string): Record<string, string> {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, text);
  const out = execFileSync('ssh', ['-F', file, '-G', host], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)]),
  );
}

describe('ssh config entries', () => {
  it('writes one complete Host entry per node, which OpenSSH reads as meant (Linux)', () => {
    const text = sshConfigText(input({}));
    expect(text).toContain(
      [
        '# shop · Apache 2.4 · node 518839',
        'Host shop-518839',
        '  HostName sshgateway.io',
        '  Port 3022',
        '  User 518839-4856',
        '  IdentityAgent "/home/ann/.config/Enscale SSH/agent/agent.sock"',
        '  IdentityFile none',
        '  UserKnownHostsFile "/home/ann/.config/Enscale SSH/ssh/known_hosts"',
        '  StrictHostKeyChecking yes',
        '  CheckHostIP no',
        '  UpdateHostKeys no',
      ].join('\n'),
    );
    expect(text.match(/^Host /gm)).toHaveLength(2);
    const seen = sshSees(text, 'shop-518840');
    expect(seen).toMatchObject({
      hostname: 'sshgateway.io',
      port: '3022',
      user: '518840-4856',
      identityagent: '/home/ann/.config/Enscale SSH/agent/agent.sock',
      userknownhostsfile: '/home/ann/.config/Enscale SSH/ssh/known_hosts',
      stricthostkeychecking: 'true',
      checkhostip: 'no',
      updatehostkeys: 'false',
    });
    // No key file on disk is offered (no ~/.ssh/id_* defaults): only the agent's keys.
    expect(seen.identityfile).toBe('none');
    // Another name is not one of ours.
    expect(sshSees(text, 'shop-5188').port).toBe('22');
  });

  it('writes macOS paths with their spaces quoted', () => {
    const home = '/Users/Ann Smith/Library/Application Support/Enscale SSH';
    const text = sshConfigText(
      input({
        platform: 'darwin',
        agentSocket: `${home}/agent/agent.sock`,
        knownHostsFile: `${home}/ssh/known_hosts`,
      }),
    );
    expect(text).toContain(`  IdentityAgent "${home}/agent/agent.sock"\n`);
    expect(sshSees(text, 'shop-518839')).toMatchObject({
      identityagent: `${home}/agent/agent.sock`,
      userknownhostsfile: `${home}/ssh/known_hosts`,
    });
  });

  it("writes Windows' named pipe and paths with forward slashes, as OpenSSH for Windows takes them", () => {
    const text = sshConfigText(
      input({
        platform: 'win32',
        agentSocket: '\\\\.\\pipe\\openssh-ssh-agent',
        knownHostsFile: 'C:\\Users\\Ann Smith\\AppData\\Roaming\\Enscale SSH\\ssh\\known_hosts',
      }),
    );
    expect(text).toContain('  IdentityAgent "//./pipe/openssh-ssh-agent"\n');
    expect(text).toContain(
      '  UserKnownHostsFile "C:/Users/Ann Smith/AppData/Roaming/Enscale SSH/ssh/known_hosts"\n',
    );
    expect(text).not.toContain('\\');
    expect(sshSees(text, 'shop-518839')).toMatchObject({
      identityagent: '//./pipe/openssh-ssh-agent',
      userknownhostsfile: 'C:/Users/Ann Smith/AppData/Roaming/Enscale SSH/ssh/known_hosts',
    });
  });

  it('refuses a path no OpenSSH would read back the same, naming the character', () => {
    expect(() => configPath('/home/a"b/agent.sock', 'linux')).toThrow(InvalidInput);
    expect(() => configPath('/home/100%/agent.sock', 'darwin')).toThrow(/"%"/);
    expect(() => configPath('/home/${USER}/x', 'linux')).toThrow(/"\$\{"/);
    expect(() => configPath('/home/a\\b/x', 'linux')).toThrow(/"\\\\"/);
    expect(() => configPath('/home/a\nHost */x', 'linux')).toThrow(InvalidInput);
    expect(() => configPath('relative/known_hosts', 'linux')).toThrow(/not a full path/);
    expect(() => configPath('Users\\Ann\\x', 'win32')).toThrow(/not a full path/);
    expect(configPath('C:\\Users\\Ann\\x', 'win32')).toBe('"C:/Users/Ann/x"');
  });

  it('names hosts <env>-<nodeId> in lower-case letters, digits and hyphens', () => {
    expect(hostAlias('shop', 518839)).toBe('shop-518839');
    expect(hostAlias('Shop_Staging', 1)).toBe('shop-staging-1');
    expect(hostAlias('café.prod', 2)).toBe('cafe-prod-2');
    expect(hostAlias('*,!?', 3)).toBe('env-3');
    expect(hostAlias('a'.repeat(100), 4)).toBe(`${'a'.repeat(60)}-4`);
  });

  it('keeps names unique and a tenant-chosen label on its comment line', () => {
    const text = sshConfigText(
      input({
        nodes: [
          { envName: 'shop', nodeId: 7, label: 'Apache\nHost *\n  ProxyCommand evil', uid: 1 },
          { envName: 'shop', nodeId: 7, label: 'again', uid: 1 },
          { envName: 'Shop', nodeId: 8, label: 'x', uid: 1 },
        ],
      }),
    );
    expect(text.match(/^Host .*/gm)).toEqual(['Host shop-7', 'Host shop-8']);
    expect(text).not.toMatch(/^\s*ProxyCommand/m);
    expect(text).toContain('# shop · Apache Host *   ProxyCommand evil · node 7');
  });

  it('says what the file is, and who overwrites it', () => {
    expect(sshConfigText(input({ purpose: 'file' }))).toMatch(/^# Written by Enscale SSH, which overwrites/);
    expect(sshConfigText(input({ nodes: [] }))).toContain('# No nodes.');
  });

  it('refuses a gateway host that is not a host', () => {
    expect(() => sshConfigText(input({ gateway: { host: 'evil\n  ProxyCommand x', port: 3022 } }))).toThrow(
      InvalidInput,
    );
  });
});
