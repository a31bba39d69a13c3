import { Menu, shell, type MenuItemConstructorOptions } from 'electron';
import { menuTemplate, type MenuAction, type MenuItemSpec, type MenuOptions } from './policy/menuTemplate.ts';

const WEBSITE = 'https://enscale.com/';

/** The application menu from its template, with the app's own actions attached. */
export function installMenu(options: MenuOptions, logsDir: string): void {
  const actions: Record<MenuAction, () => void> = {
    openLogs: () => void shell.openPath(logsDir),
    openWebsite: () => void shell.openExternal(WEBSITE),
  };
  const build = (items: MenuItemSpec[]): MenuItemConstructorOptions[] =>
    items.map(({ action, submenu, ...item }) => ({
      ...item,
      ...(action ? { click: actions[action] } : {}),
      ...(submenu ? { submenu: build(submenu) } : {}),
    }));
  Menu.setApplicationMenu(Menu.buildFromTemplate(build(menuTemplate(options))));
}
