// German and English text. Keys are grouped per screen; errors use the rule names from the main process.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

const en = {
  app: {
    title: 'Kontor',
    loading: 'Loading…',
    coming: 'Coming soon',
    comingText: 'This area arrives with a later release.',
  },
  nav: {
    customers: 'Customers',
    analytics: 'Analytics',
    admin: 'Admin',
    settings: 'Settings',
    main: 'Main navigation',
  },
  header: { theme: 'Toggle light and dark theme', language: 'Language', company: 'Company' },
  customers: {
    title: 'Customers',
    search: 'Search customers',
    searchPlaceholder: 'Name, email, phone or city',
    new: 'New customer',
    edit: 'Edit customer',
    empty: 'No customers yet. Create the first one.',
    noMatch: 'No customer matches “{{search}}”.',
    count_one: '{{count}} customer',
    count_other: '{{count}} customers',
    columns: { name: 'Name', email: 'Email', phone: 'Phone', city: 'City', updatedAt: 'Changed' },
    sortBy: 'Sort by {{column}}',
    fields: { name: 'Name', email: 'Email', phone: 'Phone', city: 'City', notes: 'Notes' },
    save: 'Save',
    cancel: 'Cancel',
    created: 'Customer {{name}} created',
    saved: 'Customer {{name}} saved',
    conflict: 'Someone else changed this customer meanwhile. Close the form and open it again.',
    shortcuts: 'Ctrl+K search · Alt+N new customer',
  },
  settings: {
    title: 'Settings',
    appearance: 'Appearance',
    language: 'Language',
    theme: 'Theme',
    themes: { light: 'Light', dark: 'Dark', auto: 'System' },
    database: 'Database',
    databaseHelp: 'Kontor keeps its data in an encrypted file on this computer, or on a company Postgres server.',
    local: 'Local encrypted database',
    server: 'Postgres server',
    url: 'Server address',
    save: 'Save database choice',
    saved: 'Saved. Restart Kontor to use the new database.',
    active: 'In use now: {{kind}}',
  },
  setup: {
    title: 'Set up your company',
    explain: 'Kontor keeps the data of each company in its own encrypted store. Name the company to start.',
    company: 'Company name',
    submit: 'Create company',
  },
  unlock: {
    title: 'Unlock Kontor',
    firstRunTitle: 'Protect Kontor with a master passphrase',
    reason: 'Kontor cannot open its data yet:',
    explain:
      'Kontor can keep its keys in a file protected by a master passphrase instead of the operating system keychain. Without this passphrase nobody, not even an administrator, can read the data.',
    passphrase: 'Master passphrase',
    confirm: 'Repeat the passphrase',
    mismatch: 'The passphrases differ',
    submit: 'Unlock',
    create: 'Create and unlock',
    serverHelp:
      'Kontor uses a Postgres server that it cannot reach. Check the address and the network, or ask your administrator, then restart Kontor.',
  },
  errors: {
    required: 'Required',
    email: 'Not a valid email address',
    min: 'At least {{min}} characters',
    max: 'At most {{max}} characters',
    regex: 'Contains characters that are not allowed',
    unknown_field: 'Unknown field',
    generic: 'Something went wrong: {{message}}',
    locked: 'Kontor is locked: {{message}}',
  },
};

type Messages = typeof en;

const de: Messages = {
  app: {
    title: 'Kontor',
    loading: 'Lädt…',
    coming: 'Demnächst',
    comingText: 'Dieser Bereich kommt mit einer späteren Version.',
  },
  nav: {
    customers: 'Kunden',
    analytics: 'Analysen',
    admin: 'Verwaltung',
    settings: 'Einstellungen',
    main: 'Hauptnavigation',
  },
  header: { theme: 'Helles oder dunkles Design', language: 'Sprache', company: 'Firma' },
  customers: {
    title: 'Kunden',
    search: 'Kunden suchen',
    searchPlaceholder: 'Name, E-Mail, Telefon oder Ort',
    new: 'Neuer Kunde',
    edit: 'Kunde bearbeiten',
    empty: 'Noch keine Kunden. Legen Sie den ersten an.',
    noMatch: 'Kein Kunde passt zu „{{search}}“.',
    count_one: '{{count}} Kunde',
    count_other: '{{count}} Kunden',
    columns: { name: 'Name', email: 'E-Mail', phone: 'Telefon', city: 'Ort', updatedAt: 'Geändert' },
    sortBy: 'Nach {{column}} sortieren',
    fields: { name: 'Name', email: 'E-Mail', phone: 'Telefon', city: 'Ort', notes: 'Notizen' },
    save: 'Speichern',
    cancel: 'Abbrechen',
    created: 'Kunde {{name}} angelegt',
    saved: 'Kunde {{name}} gespeichert',
    conflict: 'Jemand anderes hat diesen Kunden inzwischen geändert. Schließen Sie das Formular und öffnen Sie es neu.',
    shortcuts: 'Strg+K Suche · Alt+N neuer Kunde',
  },
  settings: {
    title: 'Einstellungen',
    appearance: 'Darstellung',
    language: 'Sprache',
    theme: 'Design',
    themes: { light: 'Hell', dark: 'Dunkel', auto: 'System' },
    database: 'Datenbank',
    databaseHelp:
      'Kontor speichert seine Daten verschlüsselt auf diesem Computer oder auf einem Postgres-Server der Firma.',
    local: 'Lokale verschlüsselte Datenbank',
    server: 'Postgres-Server',
    url: 'Serveradresse',
    save: 'Datenbankwahl speichern',
    saved: 'Gespeichert. Starten Sie Kontor neu, um die neue Datenbank zu verwenden.',
    active: 'Jetzt in Gebrauch: {{kind}}',
  },
  setup: {
    title: 'Firma einrichten',
    explain:
      'Kontor speichert die Daten jeder Firma in einem eigenen verschlüsselten Speicher. Geben Sie der Firma einen Namen.',
    company: 'Name der Firma',
    submit: 'Firma anlegen',
  },
  unlock: {
    title: 'Kontor entsperren',
    firstRunTitle: 'Kontor mit einer Master-Passphrase schützen',
    reason: 'Kontor kann seine Daten noch nicht öffnen:',
    explain:
      'Kontor kann seine Schlüssel statt im Schlüsselbund des Betriebssystems in einer Datei ablegen, die eine Master-Passphrase schützt. Ohne diese Passphrase kann niemand, auch kein Administrator, die Daten lesen.',
    passphrase: 'Master-Passphrase',
    confirm: 'Passphrase wiederholen',
    mismatch: 'Die Passphrasen stimmen nicht überein',
    submit: 'Entsperren',
    create: 'Anlegen und entsperren',
    serverHelp:
      'Kontor verwendet einen Postgres-Server, den es nicht erreicht. Prüfen Sie Adresse und Netzwerk oder fragen Sie Ihre Administration und starten Sie Kontor dann neu.',
  },
  errors: {
    required: 'Pflichtfeld',
    email: 'Keine gültige E-Mail-Adresse',
    min: 'Mindestens {{min}} Zeichen',
    max: 'Höchstens {{max}} Zeichen',
    regex: 'Enthält nicht erlaubte Zeichen',
    unknown_field: 'Unbekanntes Feld',
    generic: 'Etwas ist schiefgegangen: {{message}}',
    locked: 'Kontor ist gesperrt: {{message}}',
  },
};

export const languages = ['de', 'en'] as const;
export type Language = (typeof languages)[number];
const STORAGE_KEY = 'kontor.language';

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'de' || stored === 'en') return stored;
  return navigator.language.toLowerCase().startsWith('de') ? 'de' : 'en';
}

export function setLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
  void i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

export async function initI18n(): Promise<void> {
  const lng = initialLanguage();
  document.documentElement.lang = lng;
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, de: { translation: de } },
    lng,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
  });
}
