// German and English text, from src/renderer/src/locales/{en,de}.json. Keys are grouped per
// screen; errors use the rule names and reasons from the main process. Keys are typed (see
// i18next.d.ts): an unknown key is a compile error, and so is a German file missing a key.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import de from '../locales/de.json';
import en from '../locales/en.json';

/** Every English key must exist in German: this line fails the type check otherwise. */
const german: typeof en = de;

export const resources = { en: { translation: en }, de: { translation: german } } as const;

export const languages = ['de', 'en'] as const;
export type Language = (typeof languages)[number];
const STORAGE_KEY = 'kontor.language';

/** The user's own choice, else the default IT set for the computer, else the system's language. */
export function initialLanguage(machineDefault?: Language): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'de' || stored === 'en') return stored;
  if (machineDefault) return machineDefault;
  return navigator.language.toLowerCase().startsWith('de') ? 'de' : 'en';
}

export function setLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
  void i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

export async function initI18n(language: Language = initialLanguage()): Promise<void> {
  document.documentElement.lang = language;
  await i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
  });
}
