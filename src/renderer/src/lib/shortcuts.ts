// Keyboard shortcut labels as the user's keyboard says them: Ctrl or Strg, ⌘ on a Mac.
import type { TFunction } from 'i18next';

export const isMac = () => /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** The label of the modifier Mantine's `mod` stands for. */
export function modKey(t: TFunction): string {
  return isMac() ? t('keys.modMac') : t('keys.mod');
}
