import { describe, expect, it } from 'vitest';
import {
  isKeychainDenial,
  keychainFailure,
  KeychainUnavailable,
} from '../../../electron/core/keys/errors.ts';
import { KeytarSecretStore, type Keytar } from '../../../electron/core/keys/secretStore.ts';

/*
 * keytar_mac.cc rejects with SecCopyErrorMessageString(status): the Security framework's text for the
 * OSStatus (SecBase.h), with no code. These are those texts, as macOS's keytar gives them.
 */
const MAC = {
  denied: 'User canceled the operation.', // errSecUserCanceled, -128: Deny (or Cancel) in the prompt
  noUi: 'User interaction is not allowed.', // errSecInteractionNotAllowed, -25308: locked, no one to ask
  badPassword: 'The user name or passphrase you entered is not correct.', // errSecAuthFailed, -25293
  noKeychain: 'The specified keychain could not be found.', // errSecNoSuchKeychain, -25294
  notAvailable: 'No keychain is available. You may need to restart your computer.', // errSecNotAvailable
  uncopyable: 'An unknown error occurred.', // keytar's own, when the text could not be copied out
};

const LOCKED_ADVICE = 'Unlock the login keychain (Keychain Access) and try again.';

describe('a keychain failure, reported as what it was', () => {
  it.each([
    ['darwin', MAC.denied, 'denied'],
    ['darwin', MAC.noUi, 'unavailable'],
    ['darwin', MAC.badPassword, 'unavailable'],
    ['darwin', MAC.noKeychain, 'unavailable'],
    ['darwin', MAC.notAvailable, 'unavailable'],
    ['darwin', MAC.uncopyable, 'unavailable'],
    // Where there is no such prompt, the same words still mean the same (a Secret Service's own prompt).
    ['linux', 'Cannot create an item in a locked collection', 'unavailable'],
    ['linux', MAC.denied, 'denied'],
    ['win32', 'The stub received bad data.', 'unavailable'],
  ] as const)('on %s, “%s” is %s', (platform, text, verdict) => {
    const error = keychainFailure('read a secret', new Error(text), platform);
    expect(error).toBeInstanceOf(KeychainUnavailable);
    expect(error.code).toBe('KeychainUnavailable');
    expect(error.details).toEqual({
      detail: `could not read a secret: ${text}`,
      ...(verdict === 'denied' ? { reason: 'denied' } : {}),
    });
    expect(error.message).toContain(text);
    if (verdict === 'denied') {
      expect(error.message).toMatch(/^Access to the system keychain was denied .*; allow it: /);
      expect(error.message).not.toMatch(/unlock|install/i);
    } else {
      expect(error.message).toMatch(/^The system keychain is not available /);
    }
  });

  it('tells a macOS user who pressed Deny to allow it, and one with a locked keychain to unlock it', () => {
    const denied = keychainFailure('read a secret', new Error(MAC.denied), 'darwin').message;
    expect(denied).toContain('choose Always Allow when macOS asks');
    expect(denied).toContain('Access Control');
    expect(denied).not.toContain(LOCKED_ADVICE);
    expect(keychainFailure('read a secret', new Error(MAC.noUi), 'darwin').message).toContain(LOCKED_ADVICE);
  });

  it('finds the code name too, and is not fooled by other texts that mention cancelling', () => {
    expect(isKeychainDenial('SecKeychainItemCopyContent: errSecUserCanceled')).toBe(true);
    expect(isKeychainDenial('user canceled the operation')).toBe(true);
    expect(isKeychainDenial('The operation was canceled by the server.')).toBe(false);
    expect(isKeychainDenial('AES-128 key -128')).toBe(false);
  });
});

describe('KeytarSecretStore on macOS, given keytar’s answers', () => {
  /** keytar's shape, rejecting each call with `text` as keytar_mac.cc would. */
  const refusing = (text: string) => async (): Promise<Keytar> => ({
    getPassword: () => Promise.reject(new Error(text)),
    setPassword: () => Promise.reject(new Error(text)),
    deletePassword: () => Promise.reject(new Error(text)),
  });

  it('reports Deny on a read, a write and a delete as denied, with macOS’s advice', async () => {
    const store = new KeytarSecretStore({ platform: 'darwin', keytar: refusing(MAC.denied) });
    for (const [what, call] of [
      ['read a secret', () => store.get('Enscale SSH', 'key:1')],
      ['store a secret', () => store.set('Enscale SSH', 'key:1', 'secret')],
      ['delete a secret', () => store.delete('Enscale SSH', 'key:1')],
    ] as const) {
      const error = (await call().catch((caught: unknown) => caught)) as KeychainUnavailable;
      expect(error).toBeInstanceOf(KeychainUnavailable);
      expect(error.details).toEqual({ detail: `could not ${what}: ${MAC.denied}`, reason: 'denied' });
      expect(error.message).toContain('choose Always Allow');
    }
  });

  it('reports a locked keychain as locked, with macOS’s advice whatever machine runs it', async () => {
    const store = new KeytarSecretStore({ platform: 'darwin', keytar: refusing(MAC.noUi) });
    const error = (await store.get('Enscale SSH', 'key:1').catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(KeychainUnavailable);
    expect(error.message).toContain(LOCKED_ADVICE);
  });
});
