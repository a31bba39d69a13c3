import { describe, expect, it } from 'vitest';
import { SSH2_VERSION, Ssh2InternalsError, installedSsh2Version } from '../src/version.ts';
import { checkSsh2Internals, loadSsh2, ssh2Problems, type Ssh2Insides } from '../src/startupCheck.ts';

/** The installed ssh2's insides with one part changed. */
const changed = (change: (insides: Ssh2Insides) => Ssh2Insides) => () => change(loadSsh2());

describe('the start-up check of ssh2', () => {
  it('passes on the installed ssh2, which is the pinned one', () => {
    expect(installedSsh2Version()).toBe(SSH2_VERSION);
    expect(ssh2Problems(loadSsh2())).toEqual([]);
    expect(() => checkSsh2Internals()).not.toThrow();
  });

  it('refuses another version at once, naming the one expected', () => {
    const other = changed((insides) => ({ ...insides, version: '1.16.0' }));
    expect(() => checkSsh2Internals(other)).toThrow(Ssh2InternalsError);
    expect(() => checkSsh2Internals(other)).toThrow(
      /ssh2 1\.16\.0 is installed, but .*ssh2 1\.17\.0.*npm ci/,
    );
  });

  it('names each private method or field that is not as the hacks expect', () => {
    const broken = changed((insides) => ({
      ...insides,
      // Prototype methods are not enumerable: the change is made on an object inheriting them.
      protocol: Object.assign(Object.create(insides.protocol) as object, { channelOpenFail: undefined }),
      channelModule: { ...insides.channelModule, MAX_WINDOW: 4 * 1024 * 1024 },
      makeSftp: () => ({ ...insides.makeSftp(), _writeReqid: undefined, _buffer: {} }),
    }));
    let message = '';
    try {
      checkSsh2Internals(broken);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('protocol.channelOpenFail is not a function (channelOpenFailure.ts)');
    expect(message).toContain('Channel.MAX_WINDOW is 4194304, not 2 MiB');
    expect(message).toContain('SFTP._writeReqid is undefined, not number');
    expect(message).toContain('SFTP._buffer is object, not array');
    expect(message).not.toContain('channelData');
  });
});
