import { describe, expect, it } from 'vitest';
import { nodeLayerFiles } from '../../src/sandbox/nodeLayer.ts';
import { nodeProfile } from '../../src/sandbox/nodeProfiles.ts';

/** A host's passwd as Debian's packages leave it: a mysql of its own (102), and a hash for root. */
const HOST_PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'sshd:x:100:65534::/run/sshd:/usr/sbin/nologin',
  'mysql:x:102:105:MySQL Server,,,:/nonexistent:/bin/false',
  'someone:x:27:27::/home/someone:/bin/sh',
  '',
].join('\n');
const HOST_GROUP = 'root:x:0:\nmysql:x:105:\nsomeone:x:27:\n';

const layer = (nodeType: string) =>
  nodeLayerFiles({
    nodeId: 518840,
    hostname: 'node518840-shop.sandbox.local',
    profile: nodeProfile(nodeType),
    hostPasswd: HOST_PASSWD,
    hostGroup: HOST_GROUP,
    initScripts: { mysql: '#!/bin/sh\n' },
  });

describe("an isolated node's /etc layer", () => {
  it('puts the service user in place of any host entry with its name or id', () => {
    const files = layer('mariadb');
    expect(files['passwd']!.content.split('\n').filter(Boolean)).toEqual([
      'root:x:0:0:root:/root:/bin/bash',
      'sshd:x:100:65534::/run/sshd:/usr/sbin/nologin',
      'mysql:x:27:27:mysql:/var/lib/mysql:/bin/bash',
    ]);
    expect(files['group']!.content).toBe('root:x:0:\nmysql:x:27:\n');
  });

  it('gives no account a password, so nobody logs in by one and sudo cannot be answered', () => {
    const { shadow } = layer('apache2');
    for (const line of shadow!.content.split('\n').filter(Boolean)) expect(line.split(':')[1]).toBe('*');
    expect(shadow!.mode).toBe(0o640);
  });

  it('lets sudo run only the service scripts, as root, without a password', () => {
    const { sudoers } = layer('postgresql');
    expect(sudoers!.mode).toBe(0o440);
    const rules = sudoers!.content
      .split('\n')
      .filter((line) => line && !line.startsWith('#') && !line.startsWith('Defaults'));
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatch(/^postgres ALL=\(root\) NOPASSWD: \/usr\/sbin\/service postgresql start, /);
    // Each command names the service and an action: no wildcard, no other program.
    const commands = rules[0]!.slice(rules[0]!.indexOf(':') + 2).split(', ');
    for (const command of commands)
      expect(command).toMatch(/^(\/usr\/sbin\/service |\/etc\/init\.d\/)postgresql [a-z]+$/);
  });

  it('names the node as the platform does, and carries its init scripts', () => {
    const files = layer('mariadb');
    expect(files['hostname']!.content).toBe('node518840-shop.sandbox.local\n');
    expect(files['hosts']!.content).toContain('127.0.1.1\tnode518840-shop.sandbox.local node518840-shop');
    expect(files['init.d/mysql']).toEqual({ content: '#!/bin/sh\n', mode: 0o755 });
  });
});
