import { describe, expect, it } from 'vitest';
import { safeExternalUrl } from './links.ts';

describe('links printed by a remote program', () => {
  it('opens http and https only', () => {
    expect(safeExternalUrl('https://example.com/a?b=c')).toBe('https://example.com/a?b=c');
    expect(safeExternalUrl('http://example.com')).toBe('http://example.com/');
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:x',
    'ssh://host',
    'https://user:secret@example.com/',
    'not a url',
    '',
  ])('refuses %s', (text) => {
    expect(safeExternalUrl(text)).toBeUndefined();
  });
});
