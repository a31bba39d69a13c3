import { describe, expect, it } from 'vitest';
import { keyboardPlatform } from '../app/keyboardPlatform.ts';
import { DEFAULT_SETTINGS, readSettings, SettingsStore, type SettingsStorage } from './Settings.ts';

class MemoryStorage implements SettingsStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

describe('terminal settings', () => {
  it('leaves right-click paste off by default on a Mac, where a two-finger tap is a right click', () => {
    expect(readSettings(null, 'mac').rightClickPaste).toBe(false);
    expect(readSettings(null, 'other').rightClickPaste).toBe(true);
    expect(readSettings({ rightClickPaste: true }, 'mac').rightClickPaste).toBe(true);
    expect(keyboardPlatform({ platform: 'MacIntel' })).toBe('mac');
    expect(keyboardPlatform({ userAgentData: { platform: 'macOS' }, platform: '' })).toBe('mac');
    expect(keyboardPlatform({ platform: 'Win32' })).toBe('other');
    expect(keyboardPlatform(undefined)).toBe('other');
  });

  it('fills in defaults and clamps what is out of range', () => {
    expect(readSettings(null)).toEqual(DEFAULT_SETTINGS);
    const read = readSettings({
      fontSize: 400,
      scrollback: -3,
      theme: 'neon',
      cursorStyle: 'bar',
      copyOnSelect: 'yes',
    });
    expect(read.fontSize).toBe(32);
    expect(read.scrollback).toBe(0);
    expect(read.theme).toBe('system');
    expect(read.cursorStyle).toBe('bar');
    expect(read.copyOnSelect).toBe(DEFAULT_SETTINGS.copyOnSelect);
    expect(readSettings({ fontFamily: 'x'.repeat(500) }).fontFamily).toBe(DEFAULT_SETTINGS.fontFamily);
  });

  it('persists changes, tells subscribers, and survives a damaged entry', () => {
    const storage = new MemoryStorage();
    storage.setItem('enscale.terminalSettings', '{not json');
    const store = new SettingsStore(storage);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    let told = 0;
    const unsubscribe = store.subscribe(() => (told += 1));
    store.update({ fontSize: 18, renderer: 'dom' });
    unsubscribe();
    store.update({ fontSize: 19 });
    expect(told).toBe(1);
    expect(new SettingsStore(storage).get()).toMatchObject({ fontSize: 19, renderer: 'dom' });
  });
});
