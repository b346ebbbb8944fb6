// The files IT configures Kontor with, made from the one schema of src/shared/machine-config.ts:
// the JSON Schema of the machine file, the Group Policy template (ADMX, and ADML in English and
// German) and an example configuration profile for macOS. `npm run policy` writes them to
// resources/policy; policy-templates.test.ts fails when the committed files differ.
import { z } from 'zod';
import {
  machineConfigSchema,
  machineKeys,
  POLICY_TEXT,
  type MachineConfig,
  type MachineKey,
} from '../../shared/machine-config';
import { POLICY_KEY, policyValueName } from './machine-config';

/** The macOS preference domain (the app id): configuration profiles set keys in it. */
export const PREFERENCE_DOMAIN = 'de.kontor.desktop';

type JsonSchema = {
  type?: string;
  enum?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  maxLength?: number;
  description?: string;
  title?: string;
};

const schemaOf = () =>
  z.toJSONSchema(machineConfigSchema, { io: 'input' }) as { properties: Record<MachineKey, JsonSchema> };

/** How a setting is edited in the policy editor, from its JSON Schema. */
type PolicyKind =
  { kind: 'boolean' } | { kind: 'enum'; values: string[] } | { kind: 'list' } | { kind: 'text'; maxLength: number };

function policyKind(schema: JsonSchema): PolicyKind {
  if (schema.type === 'boolean') return { kind: 'boolean' };
  if (schema.type === 'array') return { kind: 'list' };
  if (schema.type === 'string' && schema.enum) return { kind: 'enum', values: schema.enum };
  return { kind: 'text', maxLength: schema.maxLength ?? 2000 };
}

export function machineJsonSchema(): string {
  const generated = schemaOf();
  const properties: Record<string, JsonSchema> = { $schema: { type: 'string' } };
  for (const key of machineKeys) {
    properties[key] = {
      title: POLICY_TEXT[key].en.title,
      description: POLICY_TEXT[key].en.help,
      ...generated.properties[key],
    };
  }
  return `${JSON.stringify(
    {
      ...generated,
      $id: 'https://kontor.example/schemas/kontor-config.schema.json',
      title: 'Kontor machine-wide configuration',
      description:
        'The file IT places at %ProgramData%\\Kontor\\config.json, /Library/Application Support/Kontor/config.json or /etc/kontor/config.json (docs/it-guide.md).',
      properties,
    },
    null,
    2,
  )}\n`;
}

const xml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const NS = 'http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions';

export function admx(): string {
  const properties = schemaOf().properties;
  const policies = machineKeys.map((key) => {
    const name = policyValueName(key);
    const kind = policyKind(properties[key]);
    const head = `    <policy name="${name}" class="Machine" displayName="$(string.${name})" explainText="$(string.${name}_Help)" key="${POLICY_KEY}"`;
    const parents = `      <parentCategory ref="Kontor" />\n      <supportedOn ref="SUPPORTED_Kontor1" />`;
    if (kind.kind === 'boolean') {
      return `${head} valueName="${name}">\n${parents}\n      <enabledValue><decimal value="1" /></enabledValue>\n      <disabledValue><decimal value="0" /></disabledValue>\n    </policy>`;
    }
    let element: string;
    if (kind.kind === 'enum') {
      const items = kind.values
        .map(
          (value) =>
            `          <item displayName="$(string.${name}_${value})"><value><string>${xml(value)}</string></value></item>`,
        )
        .join('\n');
      element = `        <enum id="${name}" valueName="${name}" required="true">\n${items}\n        </enum>`;
    } else if (kind.kind === 'list') {
      element = `        <list id="${name}" key="${POLICY_KEY}\\${name}" valuePrefix="" />`;
    } else {
      element = `        <text id="${name}" valueName="${name}" required="true" maxLength="${kind.maxLength}" />`;
    }
    return `${head} presentation="$(presentation.${name})">\n${parents}\n      <elements>\n${element}\n      </elements>\n    </policy>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<!-- Made by npm run policy from src/shared/machine-config.ts: do not edit. -->
<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="${NS}">
  <policyNamespaces>
    <target prefix="kontor" namespace="Kontor.Policies.Kontor" />
    <using prefix="windows" namespace="Microsoft.Policies.Windows" />
  </policyNamespaces>
  <resources minRequiredRevision="1.0" />
  <supportedOn>
    <definitions>
      <definition name="SUPPORTED_Kontor1" displayName="$(string.SUPPORTED_Kontor1)" />
    </definitions>
  </supportedOn>
  <categories>
    <category name="Kontor" displayName="$(string.Kontor)" />
  </categories>
  <policies>
${policies.join('\n')}
  </policies>
</policyDefinitions>
`;
}

const ADML_WORDS = {
  en: { supported: 'Kontor 1.0 and later', description: 'Machine-wide settings of Kontor' },
  de: { supported: 'Kontor 1.0 und höher', description: 'Computerweite Einstellungen von Kontor' },
} as const;

export function adml(language: 'en' | 'de'): string {
  const properties = schemaOf().properties;
  const strings: string[] = [
    `      <string id="Kontor">Kontor</string>`,
    `      <string id="SUPPORTED_Kontor1">${ADML_WORDS[language].supported}</string>`,
  ];
  const presentations: string[] = [];
  for (const key of machineKeys) {
    const name = policyValueName(key);
    const text = POLICY_TEXT[key][language];
    strings.push(`      <string id="${name}">${xml(text.title)}</string>`);
    strings.push(`      <string id="${name}_Help">${xml(text.help)}</string>`);
    const kind = policyKind(properties[key]);
    if (kind.kind === 'boolean') continue;
    let control: string;
    if (kind.kind === 'enum') {
      for (const value of kind.values) strings.push(`      <string id="${name}_${value}">${xml(value)}</string>`);
      control = `<dropdownList refId="${name}" noSort="true" defaultItem="0">${xml(text.title)}</dropdownList>`;
    } else if (kind.kind === 'list') {
      control = `<listBox refId="${name}">${xml(text.title)}</listBox>`;
    } else {
      control = `<textBox refId="${name}"><label>${xml(text.title)}</label></textBox>`;
    }
    presentations.push(`      <presentation id="${name}">\n        ${control}\n      </presentation>`);
  }
  return `<?xml version="1.0" encoding="utf-8"?>
<!-- Made by npm run policy from src/shared/machine-config.ts: do not edit. -->
<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="${NS}">
  <displayName>Kontor</displayName>
  <description>${ADML_WORDS[language].description}</description>
  <resources>
    <stringTable>
${strings.join('\n')}
    </stringTable>
    <presentationTable>
${presentations.join('\n')}
    </presentationTable>
  </resources>
</policyDefinitionResources>
`;
}

/** An example value of every setting, valid against the schema (the profile and the docs show it). */
export const EXAMPLE_CONFIG = {
  updatesEnabled: true,
  updateUrl: 'https://updates.example.com/kontor',
  updateChannel: 'stable',
  serverUrl: 'https://kontor.example.com',
  serverCaFile: '/Library/Application Support/Kontor/company-ca.pem',
  serverFingerprint: undefined,
  allowDirectPostgres: false,
  proxy: 'system',
  disabledFeatures: ['keyBackupExport'],
  defaultLanguage: 'de',
  backupFolder: '/Volumes/backup/kontor',
  backupSchedule: 'daily',
} satisfies Record<MachineKey, unknown> & MachineConfig;

function plistValue(value: unknown, indent: string): string {
  if (typeof value === 'boolean') return `${indent}<${value}/>`;
  if (Array.isArray(value)) {
    return `${indent}<array>\n${value.map((v) => plistValue(v, `${indent}  `)).join('\n')}\n${indent}</array>`;
  }
  return `${indent}<string>${xml(String(value))}</string>`;
}

/** A configuration profile (Jamf, Intune for macOS) setting the example values in Kontor's domain. */
export function mobileconfig(): string {
  const entries = machineKeys
    .filter((key) => EXAMPLE_CONFIG[key] !== undefined)
    .map((key) => `                <key>${key}</key>\n${plistValue(EXAMPLE_CONFIG[key], '                ')}`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- An example made by npm run policy from src/shared/machine-config.ts: change the values, keep the keys. -->
<plist version="1.0">
<dict>
  <key>PayloadDisplayName</key>
  <string>Kontor</string>
  <key>PayloadIdentifier</key>
  <string>${PREFERENCE_DOMAIN}.settings</string>
  <key>PayloadType</key>
  <string>Configuration</string>
  <key>PayloadUUID</key>
  <string>6F1E2D3C-4B5A-4978-8A6B-5C4D3E2F1A0B</string>
  <key>PayloadVersion</key>
  <integer>1</integer>
  <key>PayloadScope</key>
  <string>System</string>
  <key>PayloadContent</key>
  <array>
    <dict>
      <key>PayloadType</key>
      <string>com.apple.ManagedClient.preferences</string>
      <key>PayloadIdentifier</key>
      <string>${PREFERENCE_DOMAIN}.settings.preferences</string>
      <key>PayloadUUID</key>
      <string>0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D</string>
      <key>PayloadVersion</key>
      <integer>1</integer>
      <key>PayloadContent</key>
      <dict>
        <key>${PREFERENCE_DOMAIN}</key>
        <dict>
          <key>Forced</key>
          <array>
            <dict>
              <key>mcx_preference_settings</key>
              <dict>
${entries}
              </dict>
            </dict>
          </array>
        </dict>
      </dict>
    </dict>
  </array>
</dict>
</plist>
`;
}

/** Every generated file by its path under resources/policy. */
export function policyFiles(): Record<string, string> {
  return {
    'kontor-config.schema.json': machineJsonSchema(),
    'windows/kontor.admx': admx(),
    'windows/en-US/kontor.adml': adml('en'),
    'windows/de-DE/kontor.adml': adml('de'),
    'macos/kontor.mobileconfig': mobileconfig(),
  };
}
