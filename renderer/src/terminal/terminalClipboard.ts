import type { Terminal } from '@xterm/xterm';
import type { TerminalSettings } from '../settings/Settings.ts';

/**
 * The terminal's clipboard habits: copy on select and right-click paste (each a setting), and
 * Ctrl+Shift+C / V / F as terminals on Windows and Linux have them. Keys the workbench uses for its
 * tabs pass through to the window. Returns what undoes it.
 */
export function attachClipboard(
  term: Terminal,
  element: HTMLElement,
  settings: { readonly current: TerminalSettings },
  onSearch: () => void,
): () => void {
  const copy = () => void navigator.clipboard?.writeText(term.getSelection()).catch(() => undefined);
  const paste = () =>
    void navigator.clipboard?.readText().then(
      (text) => term.paste(text),
      () => undefined,
    );
  const selection = term.onSelectionChange(() => {
    if (settings.current.copyOnSelect && term.hasSelection()) copy();
  });
  term.attachCustomKeyEventHandler((event) => {
    if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return true;
    const key = event.key.toUpperCase();
    if (key === 'F') {
      onSearch();
      return false;
    }
    if (key === 'C' && term.hasSelection()) {
      copy();
      return false;
    }
    if (key === 'V') {
      paste();
      return false;
    }
    // The workbench's own shortcuts (new tab, close, switch) pass through to the window.
    return !['T', 'W', 'PAGEUP', 'PAGEDOWN', 'TAB'].includes(key);
  });
  const onContextMenu = (event: MouseEvent) => {
    if (!settings.current.rightClickPaste) return;
    event.preventDefault();
    paste();
  };
  element.addEventListener('contextmenu', onContextMenu);
  return () => {
    selection.dispose();
    element.removeEventListener('contextmenu', onContextMenu);
  };
}
