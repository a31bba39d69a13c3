import { describe, expect, it } from 'vitest';
import { checkedApiUrl, isLoopbackHost } from '../../shared/src/apiMethods.ts';
import { InvalidInput } from '../../shared/src/errors.ts';
import { JelasticApi } from '../../electron/core/platform/JelasticApi.ts';

describe('API addresses', () => {
  it('takes https for any host and http only for this computer', () => {
    expect(checkedApiUrl('https://app.enscale.com/1.0/')).toBe('https://app.enscale.com');
    expect(checkedApiUrl(' http://127.0.0.1:8080/ ')).toBe('http://127.0.0.1:8080');
    expect(checkedApiUrl('http://localhost:9/')).toBe('http://localhost:9');
    expect(checkedApiUrl('http://[::1]:9')).toBe('http://[::1]:9');
  });

  it.each([
    'http://app.enscale.com',
    'http://10.0.0.5:8080',
    'http://127.0.0.1.evil.example',
    'http://localhost.evil.example',
    'http://[::2]/',
    'ftp://app.enscale.com',
    'https://user:secret@app.enscale.com',
    'app.enscale.com',
  ])('refuses %s with a message that says what to use', (address) => {
    expect(() => checkedApiUrl(address)).toThrow(InvalidInput);
  });

  it('tells a user of plain http which address to use instead', () => {
    expect(() => checkedApiUrl('http://app.enscale.com/')).toThrow(/use https:\/\/app\.enscale\.com/);
  });

  it('recognises loopback hosts exactly', () => {
    expect(['127.0.0.2', 'localhost', '[::1]', '::ffff:127.0.0.1'].map(isLoopbackHost)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['128.0.0.1', '127.0.0', 'localhostx', '0.0.0.0', '::'].some(isLoopbackHost)).toBe(false);
  });

  it('the API client itself refuses a remote http address a saved profile may hold', () => {
    expect(() => new JelasticApi({ baseUrl: 'http://app.enscale.com' })).toThrow(InvalidInput);
  });
});
