// The application menu. Electron's default menu offers reload and developer tools; a packaged
// build offers only what a user needs (edit, window, quit), so nobody opens a console on the
// renderer. Plain data (types only from Electron) so it is tested under Node.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuContext {
  readonly packaged: boolean;
  readonly platform: NodeJS.Platform;
}

export function menuTemplate({ packaged, platform }: MenuContext): MenuItemConstructorOptions[] {
  const developer: MenuItemConstructorOptions[] = packaged
    ? []
    : [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }];
  const template: MenuItemConstructorOptions[] = [
    {
      role: 'editMenu',
    },
    {
      label: 'View',
      submenu: [
        ...developer,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  // macOS keeps the application menu (About, Hide, Quit) first; elsewhere Quit sits in a File menu.
  return platform === 'darwin'
    ? [{ role: 'appMenu' }, ...template]
    : [{ label: 'File', submenu: [{ role: 'quit' }] }, ...template];
}
