import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate } from './menu';

function roles(items: readonly MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ]);
}

// Roles whose built-in submenus carry reload or developer tools.
const developerRoles = ['reload', 'forceReload', 'toggleDevTools', 'viewMenu'];

describe('application menu', () => {
  it.each(['darwin', 'win32', 'linux'] as const)('has no developer entries in a packaged build on %s', (platform) => {
    const used = roles(menuTemplate({ packaged: true, platform }));
    expect(used.filter((role) => developerRoles.includes(role))).toEqual([]);
    expect(used).toContain(platform === 'darwin' ? 'appMenu' : 'quit');
  });

  it('offers reload and developer tools while developing', () => {
    expect(roles(menuTemplate({ packaged: false, platform: 'linux' }))).toEqual(
      expect.arrayContaining(['reload', 'toggleDevTools']),
    );
  });
});
