import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  hasInclude,
  INCLUDE_MARKER,
  withInclude,
  withoutInclude,
} from '../../../electron/core/sshConfig/includeLine.ts';
import { readUserConfig, writeUserConfig } from '../../../electron/core/sshConfig/userConfigFile.ts';

const NAME = 'enscale-ssh.config';

/** A config as people keep them: comments, a top-level option, Host blocks, a Match, odd spacing. */
const USERS_CONFIG = [
  '# my settings',
  'ServerAliveInterval 30',
  '',
  'Host github.com',
  '\tUser git',
  '    IdentityFile ~/.ssh/id_ed25519   # work key',
  '',
  'Match host *.internal exec "test -f /tmp/x"',
  '  ProxyJump bastion',
  'Host *',
  '  AddKeysToAgent yes',
  '',
].join('\n');

describe('the Include line in ~/.ssh/config', () => {
  it('goes first, with its comment, and everything else stays byte for byte', () => {
    const added = withInclude(USERS_CONFIG, NAME)!;
    expect(added).toBe(`${INCLUDE_MARKER}\nInclude ${NAME}\n\n${USERS_CONFIG}`);
    expect(hasInclude(added, NAME)).toBe(true);
    expect(withoutInclude(added, NAME)).toBe(USERS_CONFIG);
  });

  it('is added once', () => {
    const added = withInclude(USERS_CONFIG, NAME)!;
    expect(withInclude(added, NAME)).toBeUndefined();
    expect(withoutInclude(USERS_CONFIG, NAME)).toBeUndefined();
  });

  it('keeps CRLF line ends, a BOM, and a missing last line end', () => {
    const windows = '\uFEFFHost a\r\n  User b';
    const added = withInclude(windows, NAME)!;
    expect(added).toBe(`\uFEFF${INCLUDE_MARKER}\r\nInclude ${NAME}\r\n\r\nHost a\r\n  User b`);
    expect(withoutInclude(added, NAME)).toBe(windows);
  });

  it('makes an empty config just the two lines, and removing them leaves it empty', () => {
    expect(withInclude('', NAME)).toBe(`${INCLUDE_MARKER}\nInclude ${NAME}\n`);
    expect(withoutInclude(withInclude('', NAME)!, NAME)).toBe('');
  });

  it('takes out only its own lines where a person moved them, never theirs', () => {
    const moved = `Host a\n  User b\n${INCLUDE_MARKER}\nInclude "${NAME}"\nInclude other.config\n# mine\n`;
    expect(withoutInclude(moved, NAME)).toBe('Host a\n  User b\nInclude other.config\n# mine\n');
    // Another file's Include is not the app's.
    expect(hasInclude('Include enscale-ssh.config.bak\n', NAME)).toBe(false);
  });
});

describe('writing ~/.ssh/config', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'ssh-config-home-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('creates ~/.ssh (0700) and the config (0600) when there are none', async () => {
    expect(await readUserConfig(home)).toBe('');
    await writeUserConfig(home, withInclude('', NAME)!);
    expect((await stat(join(home, '.ssh'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(home, '.ssh', 'config'))).mode & 0o777).toBe(0o600);
    expect(await readUserConfig(home)).toContain(`Include ${NAME}`);
  });

  it("keeps the config's own mode, leaves no temp file, and writes through a symbolic link", async () => {
    await mkdir(join(home, '.ssh'), { mode: 0o700 });
    await mkdir(join(home, 'dotfiles'));
    const real = join(home, 'dotfiles', 'ssh_config');
    await writeFile(real, USERS_CONFIG, { mode: 0o644 });
    await symlink(real, join(home, '.ssh', 'config'));
    await writeUserConfig(home, withInclude(await readUserConfig(home), NAME)!);
    expect((await lstat(join(home, '.ssh', 'config'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(home, '.ssh', 'config'))).toBe(real);
    expect((await stat(real)).mode & 0o777).toBe(0o644);
    expect(await readFile(real, 'utf8')).toBe(`${INCLUDE_MARKER}\nInclude ${NAME}\n\n${USERS_CONFIG}`);
    expect(await readdir(join(home, 'dotfiles'))).toEqual(['ssh_config']);
  });

  it('refuses a home folder that does not exist rather than creating one', async () => {
    await expect(writeUserConfig(join(home, 'missing'), 'x')).rejects.toThrow(/ENOENT/);
  });
});
