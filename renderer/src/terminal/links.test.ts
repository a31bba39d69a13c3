import { describe, expect, it } from 'vitest';
import { linkHint, linkToOpen, safeExternalUrl } from './links.ts';

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
    // The URL parser would drop these characters and leave a scheme of the node's choosing.
    'java\nscript:alert(1)',
    'java\tscript:alert(1)',
    ' javascript:alert(1)',
    'https://exam\tple.com/',
    'https://example.com/\r\nx',
    'https://example.com/\u007f',
    'https://example.com/a b',
    // What the desktop shell would refuse anyway: too long for a link a person meant.
    `https://example.com/${'a'.repeat(2048)}`,
  ])('refuses %j', (text) => {
    expect(safeExternalUrl(text)).toBeUndefined();
  });

  it('shows a look-alike host as the browser would reach it', () => {
    expect(safeExternalUrl('https://exаmple.com/')).toBe('https://xn--exmple-4nf.com/');
  });
});

describe('a click on a link in the terminal', () => {
  const plain = { ctrlKey: false, metaKey: false };

  it('opens nothing on a plain click, however safe the link', () => {
    expect(linkToOpen(plain, 'https://example.com/')).toBeUndefined();
  });

  it('opens a checked link on Ctrl+click or Cmd+click', () => {
    expect(linkToOpen({ ctrlKey: true, metaKey: false }, 'https://example.com/x')).toBe(
      'https://example.com/x',
    );
    expect(linkToOpen({ ctrlKey: false, metaKey: true }, 'http://example.com')).toBe('http://example.com/');
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'https://user:pw@example.com/'])(
    'opens nothing for %s, with any modifier',
    (text) => {
      expect(linkToOpen({ ctrlKey: true, metaKey: true }, text)).toBeUndefined();
    },
  );
});

describe('the hint on a link', () => {
  it('says where the link really goes and how to open it', () => {
    expect(linkHint('https://example.com/osc8', false)).toBe('Ctrl+click to open https://example.com/osc8');
    expect(linkHint('https://example.com/', true)).toBe('⌘+click to open https://example.com/');
  });

  it('says a refused link will not open, without repeating it', () => {
    const hint = linkHint('https://evil@example.com/\u202egnp.exe', false);
    expect(hint).toMatch(/will not open/);
    expect(hint).not.toContain('evil');
  });
});
