import { describe, expect, it } from 'vitest';
import { rangeBetween, rowAfterKey, typeAheadMatch } from './gridKeys.ts';

describe('the file grid keys', () => {
  it('move between rows and stop at the ends', () => {
    expect(rowAfterKey('ArrowDown', undefined, 10, 4)).toBe(0);
    expect(rowAfterKey('ArrowUp', undefined, 10, 4)).toBe(0);
    expect(rowAfterKey('ArrowDown', 9, 10, 4)).toBe(9);
    expect(rowAfterKey('ArrowUp', 0, 10, 4)).toBe(0);
    expect(rowAfterKey('End', 3, 10, 4)).toBe(9);
    expect(rowAfterKey('Home', 3, 10, 4)).toBe(0);
    expect(rowAfterKey('PageDown', 3, 10, 4)).toBe(7);
    expect(rowAfterKey('PageDown', 8, 10, 4)).toBe(9);
    expect(rowAfterKey('PageUp', 3, 10, 4)).toBe(0);
    expect(rowAfterKey('PageDown', 3, 10, 0)).toBe(4);
    expect(rowAfterKey('Enter', 3, 10, 4)).toBeUndefined();
    expect(rowAfterKey('End', undefined, 0, 4)).toBeUndefined();
  });

  it('select a range either way round', () => {
    expect(rangeBetween(2, 4)).toEqual([2, 3, 4]);
    expect(rangeBetween(4, 2)).toEqual([2, 3, 4]);
  });

  it('find the next name by its first letters, wrapping round', () => {
    const names = ['alpha', 'beta', 'Bravo', 'charlie'];
    expect(typeAheadMatch(names, 'b', -1, false)).toBe(1);
    expect(typeAheadMatch(names, 'b', 1, false)).toBe(2);
    expect(typeAheadMatch(names, 'b', 2, false)).toBe(1);
    expect(typeAheadMatch(names, 'br', 1, true)).toBe(2);
    expect(typeAheadMatch(names, 'be', 1, true)).toBe(1);
    expect(typeAheadMatch(names, 'x', 0, false)).toBeUndefined();
  });
});
