/** The roles the menu uses: Electron's own items, with their usual behaviour. */
export type MenuRole =
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'close'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'zoom'
  | 'front'
  | 'window'
  | 'help'
  | 'appMenu';

/** What a menu item does that no role does; main attaches the handler. */
export type MenuAction = 'openLogs' | 'openWebsite';

export interface MenuItemSpec {
  label?: string;
  role?: MenuRole;
  type?: 'separator';
  accelerator?: string;
  action?: MenuAction;
  submenu?: MenuItemSpec[];
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  /** Developer tools in the View menu: development builds only. */
  devTools: boolean;
}

const separator: MenuItemSpec = { type: 'separator' };

/**
 * The application menu. On macOS the usual Cmd shortcuts. Elsewhere Ctrl+letter belongs to the
 * terminal (Ctrl+C interrupts, Ctrl+W erases a word, Ctrl+R searches history, Ctrl+M is Enter), so
 * every shortcut there carries Shift (copy Ctrl+Shift+C, paste Ctrl+Shift+V, as terminals do), and
 * every role item names its accelerator so no role default slips in.
 */
export function menuTemplate({ platform, appName, devTools }: MenuOptions): MenuItemSpec[] {
  const mac = platform === 'darwin';
  const keys = (macKey: string, otherKey: string) => (mac ? macKey : otherKey);
  const view: MenuItemSpec[] = [
    { role: 'reload', accelerator: keys('Cmd+R', 'Ctrl+Shift+R') },
    { role: 'forceReload', accelerator: keys('Cmd+Shift+R', 'Ctrl+Shift+Alt+R') },
    ...(devTools
      ? [{ role: 'toggleDevTools', accelerator: keys('Alt+Cmd+I', 'Ctrl+Shift+I') } as const]
      : []),
    separator,
    { role: 'resetZoom', accelerator: 'CmdOrCtrl+0' },
    { role: 'zoomIn', accelerator: 'CmdOrCtrl+Plus' },
    { role: 'zoomOut', accelerator: 'CmdOrCtrl+-' },
    separator,
    { role: 'togglefullscreen', accelerator: keys('Ctrl+Cmd+F', 'F11') },
  ];
  const help: MenuItemSpec = {
    role: 'help',
    submenu: [
      { label: 'Enscale website', action: 'openWebsite' },
      { label: 'Open logs folder', action: 'openLogs' },
    ],
  };
  if (mac) {
    return [
      {
        label: appName,
        submenu: [
          { role: 'about' },
          separator,
          { role: 'services' },
          separator,
          { role: 'hide', accelerator: 'Cmd+H' },
          { role: 'hideOthers', accelerator: 'Cmd+Alt+H' },
          { role: 'unhide' },
          separator,
          { role: 'quit', accelerator: 'Cmd+Q' },
        ],
      },
      // Cmd+W, Cmd+T and Cmd+1…9 are the page's, for its tabs (renderer/src/workbench/shortcuts.ts):
      // closing the window with every shell in it is Cmd+Shift+W, as in Terminal and iTerm.
      { label: 'File', submenu: [{ role: 'close', label: 'Close Window', accelerator: 'Cmd+Shift+W' }] },
      {
        label: 'Edit',
        submenu: [
          { role: 'undo', accelerator: 'Cmd+Z' },
          { role: 'redo', accelerator: 'Shift+Cmd+Z' },
          separator,
          { role: 'cut', accelerator: 'Cmd+X' },
          { role: 'copy', accelerator: 'Cmd+C' },
          { role: 'paste', accelerator: 'Cmd+V' },
          { role: 'selectAll', accelerator: 'Cmd+A' },
        ],
      },
      { label: 'View', submenu: view },
      {
        role: 'window',
        submenu: [{ role: 'minimize', accelerator: 'Cmd+M' }, { role: 'zoom' }, separator, { role: 'front' }],
      },
      help,
    ];
  }
  // No "&" mnemonics: on Windows they would take Alt+F, Alt+E… from the shell (readline's word
  // moves), and pressing Alt alone still reaches the menu.
  return [
    {
      label: 'File',
      submenu: [
        { role: 'close', label: 'Close window', accelerator: 'Ctrl+Shift+W' },
        separator,
        { role: 'quit', label: 'Quit', accelerator: 'Ctrl+Shift+Q' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'copy', accelerator: 'Ctrl+Shift+C' },
        { role: 'paste', accelerator: 'Ctrl+Shift+V' },
        { role: 'selectAll', accelerator: 'Ctrl+Shift+A' },
      ],
    },
    { label: 'View', submenu: view },
    { label: 'Window', submenu: [{ role: 'minimize', accelerator: 'Ctrl+Shift+M' }] },
    { ...help, label: 'Help' },
  ];
}
