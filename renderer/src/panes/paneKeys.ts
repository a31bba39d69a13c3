import { keyboardPlatform } from '../app/keyboardPlatform.ts';

/** The pane shortcuts (see workbench/shortcuts.ts) as shown in tooltips and named in aria-keyshortcuts. */
export const PANE_KEYS =
  keyboardPlatform() === 'mac'
    ? {
        right: { label: 'Cmd+D', aria: 'Meta+D' },
        down: { label: 'Cmd+Shift+D', aria: 'Meta+Shift+D' },
        broadcast: { label: 'Cmd+Option+I', aria: 'Meta+Alt+I' },
        close: { label: 'Cmd+W', aria: 'Meta+W' },
        move: 'Cmd+Option+arrows',
      }
    : {
        right: { label: 'Ctrl+Shift+D', aria: 'Control+Shift+D' },
        down: { label: 'Ctrl+Shift+E', aria: 'Control+Shift+E' },
        broadcast: { label: 'Ctrl+Shift+B', aria: 'Control+Shift+B' },
        close: { label: 'Ctrl+Shift+W', aria: 'Control+Shift+W' },
        move: 'Ctrl+Alt+arrows',
      };
