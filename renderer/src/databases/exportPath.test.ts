import { describe, expect, it } from 'vitest';
import { gzipOfPath, withCompression } from './exportPath.ts';

describe('an export path and its compression', () => {
  it('reads the compression from the typed ending', () => {
    expect(gzipOfPath('/home/me/shop.sql.gz')).toBe(true);
    expect(gzipOfPath('C:\\Users\\me\\shop.SQL')).toBe(false);
    expect(gzipOfPath('/home/me/shop.dump')).toBeUndefined();
  });

  it('changes a .sql ending to follow the checkbox, and leaves other names alone', () => {
    expect(withCompression('/tmp/shop.sql', true)).toBe('/tmp/shop.sql.gz');
    expect(withCompression('/tmp/shop.sql.gz', false)).toBe('/tmp/shop.sql');
    expect(withCompression('/tmp/shop.sql.gz', true)).toBe('/tmp/shop.sql.gz');
    expect(withCompression('/tmp/shop.dump', true)).toBe('/tmp/shop.dump');
  });
});
