import { describe, expect, it } from 'vitest';
import { menuTemplate, type MenuItemSpec } from '../../electron/main/policy/menuTemplate.ts';

const flatten = (items: MenuItemSpec[]): MenuItemSpec[] =>
  items.flatMap((item) => [item, ...flatten(item.submenu ?? [])]);

const menu = (platform: NodeJS.Platform, devTools = false) =>
  flatten(menuTemplate({ platform, appName: 'Enscale SSH', devTools }));

/** Roles that carry a default shortcut in Electron: each must name its own. */
const ROLES_WITH_SHORTCUTS = new Set([
  'quit',
  'close',
  'undo',
  'redo',
  'cut',
  'copy',
  'paste',
  'selectAll',
  'reload',
  'forceReload',
  'toggleDevTools',
  'resetZoom',
  'zoomIn',
  'zoomOut',
  'togglefullscreen',
  'minimize',
  'hide',
  'hideOthers',
]);

describe('application menu', () => {
  it.each(['linux', 'win32', 'darwin'] as const)('has the usual items on %s', (platform) => {
    const roles = menu(platform).map((item) => item.role);
    for (const role of ['copy', 'paste', 'reload', 'zoomIn', 'zoomOut', 'resetZoom', 'quit', 'minimize']) {
      expect(roles, role).toContain(role);
    }
    expect(menu(platform).some((item) => item.action === 'openLogs')).toBe(true);
  });

  it.each(['linux', 'win32', 'darwin'] as const)('names every role’s shortcut on %s', (platform) => {
    for (const item of menu(platform, true)) {
      if (item.role && ROLES_WITH_SHORTCUTS.has(item.role)) expect(item.accelerator, item.role).toBeTruthy();
    }
  });

  it.each(['linux', 'win32'] as const)('leaves Ctrl+letter to the terminal on %s', (platform) => {
    const accelerators = menu(platform, true).flatMap((item) => (item.accelerator ? [item.accelerator] : []));
    expect(accelerators.length).toBeGreaterThan(5);
    for (const accelerator of accelerators) {
      const keys = accelerator.split('+');
      const letter = /^[A-Z]$/i.test(keys.at(-1) ?? '');
      const ctrl = keys.some((key) => /^(Ctrl|Control|CmdOrCtrl|CommandOrControl)$/.test(key));
      const plain = !keys.some((key) => /^(Shift|Alt)$/.test(key));
      expect(letter && ctrl && plain, accelerator).toBe(false);
    }
    const shortcut = (role: string) => menu(platform).find((item) => item.role === role)?.accelerator;
    expect(shortcut('copy')).toBe('Ctrl+Shift+C');
    expect(shortcut('paste')).toBe('Ctrl+Shift+V');
  });

  it('shows developer tools only in development', () => {
    expect(menu('linux', false).some((item) => item.role === 'toggleDevTools')).toBe(false);
    expect(menu('linux', true).some((item) => item.role === 'toggleDevTools')).toBe(true);
  });

  it('has the app menu first on macOS', () => {
    const [first] = menuTemplate({ platform: 'darwin', appName: 'Enscale SSH', devTools: false });
    expect(first?.label).toBe('Enscale SSH');
    expect(first?.submenu?.map((item) => item.role)).toContain('quit');
  });

  it('leaves Cmd+W, Cmd+T and Cmd+1…9 to the page’s tabs on macOS; the window closes with Cmd+Shift+W', () => {
    const accelerators = menu('darwin', true).flatMap((item) => (item.accelerator ? [item.accelerator] : []));
    for (const taken of ['Cmd+W', 'Cmd+T', ...Array.from({ length: 9 }, (_, i) => `Cmd+${i + 1}`)]) {
      expect(accelerators, taken).not.toContain(taken);
    }
    expect(menu('darwin').find((item) => item.role === 'close')?.accelerator).toBe('Cmd+Shift+W');
  });

  it.each(['linux', 'win32'] as const)(
    'has no Alt mnemonics that would take Alt+letter from the shell on %s',
    (platform) => {
      const top = menuTemplate({ platform, appName: 'Enscale SSH', devTools: true });
      for (const item of menu(platform, true)) expect(item.label ?? '', item.label).not.toContain('&');
      // A role menu without a label gets Electron's own, with its "&": every top-level item names itself.
      for (const item of top) expect(item.label, item.role).toMatch(/^[A-Z][a-z]+$/);
    },
  );
});
