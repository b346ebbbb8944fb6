// The machine-wide configuration IT sets for every user of a computer (docs/it-guide.md). One zod
// schema is the source of the JSON Schema IT validates its file with, the Windows Group Policy
// template (ADMX/ADML) and the macOS profile example: src/core/machine/policy-templates.ts makes
// them, and a test fails when the committed copies in resources/policy drift from it.
//
// Flat keys, because every channel carries flat values: a registry policy is a value under one
// key, a configuration profile a key of its payload.
import { z } from 'zod';
import { HTTPS_OR_LOOPBACK } from './contract/settings';

/**
 * Parts of Kontor IT can switch off; the main process refuses their procedures (MACHINE_FEATURES
 * names which), and the screens hide them.
 */
export const machineFeatures = ['analytics', 'import', 'export', 'keyBackupExport'] as const;
export type MachineFeature = (typeof machineFeatures)[number];

/** Which procedures each feature switches off. */
export const FEATURE_PROCEDURES: Record<MachineFeature, readonly string[]> = {
  analytics: ['analytics.'],
  import: ['customers.inspectImport', 'customers.import', 'sales.inspectImport', 'sales.import'],
  export: ['customers.export', 'contacts.export'],
  keyBackupExport: ['keys.exportBackup'],
};

export const updateChannels = ['stable', 'beta'] as const;
export type UpdateChannel = (typeof updateChannels)[number];

/** The Kontor server's address rule, as a regex (not a refinement) so the JSON Schema checks it too. */
const httpsUrl = z.string().trim().max(2000).regex(HTTPS_OR_LOOPBACK, 'must be an https:// address');

export const machineConfigSchema = z.strictObject({
  updatesEnabled: z.boolean().optional(),
  updateUrl: httpsUrl.optional(),
  updateChannel: z.enum(updateChannels).optional(),
  serverUrl: httpsUrl.optional(),
  serverCaFile: z.string().trim().min(1).max(1000).optional(),
  serverFingerprint: z
    .string()
    .trim()
    .regex(/^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/, 'must be a SHA-256 fingerprint (64 hex digits)')
    .optional(),
  allowDirectPostgres: z.boolean().optional(),
  proxy: z
    .union([
      z.enum(['system', 'direct']),
      z
        .string()
        .trim()
        .regex(/^(https?|socks5?):\/\/\S+$/, 'must be system, direct or a proxy address (http://host:port)'),
    ])
    .optional(),
  disabledFeatures: z.array(z.enum(machineFeatures)).max(machineFeatures.length).optional(),
  defaultLanguage: z.enum(['de', 'en']).optional(),
  backupFolder: z.string().trim().min(1).max(1000).optional(),
  backupSchedule: z.enum(['daily', 'off']).optional(),
});
export type MachineConfig = z.infer<typeof machineConfigSchema>;
export type MachineKey = keyof MachineConfig;
export const machineKeys = Object.keys(machineConfigSchema.shape) as MachineKey[];

/** What applies where neither IT nor the user chose: updates on (once there is an address), stable, everything allowed. */
export const MACHINE_DEFAULTS = {
  updatesEnabled: true,
  updateChannel: 'stable',
  allowDirectPostgres: true,
  proxy: 'system',
  disabledFeatures: [],
} as const satisfies Partial<MachineConfig>;

/** Where a machine setting came from. */
export const machineSources = ['policy', 'file'] as const;

/** A setting IT could not give: the file or value, the field, the line, and why. */
export const machineProblemSchema = z.object({
  source: z.enum(machineSources),
  /** The file or registry key. */
  where: z.string(),
  field: z.string(),
  line: z.number().int().nullable(),
  message: z.string(),
});
export type MachineProblem = z.infer<typeof machineProblemSchema>;

/** The configuration in effect and which fields IT set (locked for the user), with the problems found. */
export const machineStateSchema = z.object({
  config: machineConfigSchema,
  locked: z.array(z.enum(machineKeys as [MachineKey, ...MachineKey[]])),
  problems: z.array(machineProblemSchema),
});
export type MachineState = z.infer<typeof machineStateSchema>;

/** No machine-wide configuration: nothing set, nothing locked. */
export const NO_MACHINE_CONFIG: MachineState = { config: {}, locked: [], problems: [] };

/** The text IT reads in the policy editor and the JSON Schema, in both languages. */
export interface PolicyText {
  readonly title: string;
  readonly help: string;
}

export const POLICY_TEXT: Record<MachineKey, { en: PolicyText; de: PolicyText }> = {
  backupFolder: {
    en: {
      title: 'Backup folder',
      help: 'Where Kontor writes its backups: a local folder or a network share (\\\\server\\share\\kontor). Each user’s data directory gets a folder of its own below it.',
    },
    de: {
      title: 'Sicherungsordner',
      help: 'Wohin Kontor seine Sicherungen schreibt: ein lokaler Ordner oder eine Netzwerkfreigabe (\\\\server\\freigabe\\kontor). Das Datenverzeichnis jedes Benutzers erhält darunter einen eigenen Ordner.',
    },
  },
  backupSchedule: {
    en: {
      title: 'Daily backups',
      help: 'daily: a backup every day (kept: 7 daily, 4 weekly, 12 monthly). off: backups only on demand.',
    },
    de: {
      title: 'Tägliche Sicherungen',
      help: 'daily: jeden Tag eine Sicherung (aufbewahrt: 7 tägliche, 4 wöchentliche, 12 monatliche). off: Sicherungen nur auf Anforderung.',
    },
  },
  updatesEnabled: {
    en: {
      title: 'Automatic updates',
      help: 'Whether Kontor looks for updates at the update address and downloads them. Disabled: IT deploys new versions itself (MSI, pkg).',
    },
    de: {
      title: 'Automatische Updates',
      help: 'Ob Kontor an der Update-Adresse nach Updates sucht und sie herunterlädt. Deaktiviert: Die IT verteilt neue Versionen selbst (MSI, pkg).',
    },
  },
  updateUrl: {
    en: {
      title: 'Update address',
      help: 'The https:// address of the folder holding the update feed (latest.yml, latest-mac.yml, latest-linux.yml) and the installers.',
    },
    de: {
      title: 'Update-Adresse',
      help: 'Die https://-Adresse des Ordners mit dem Update-Feed (latest.yml, latest-mac.yml, latest-linux.yml) und den Installationsdateien.',
    },
  },
  updateChannel: {
    en: {
      title: 'Update channel',
      help: 'stable: released versions only. beta: also test versions, before everyone else.',
    },
    de: {
      title: 'Update-Kanal',
      help: 'stable: nur freigegebene Versionen. beta: auch Testversionen, vor allen anderen.',
    },
  },
  serverUrl: {
    en: {
      title: 'Kontor server',
      help: 'The https:// address of the company’s Kontor server. Set: every user of this computer works on that server.',
    },
    de: {
      title: 'Kontor-Server',
      help: 'Die https://-Adresse des Kontor-Servers der Firma. Gesetzt: Alle Benutzer dieses Computers arbeiten auf diesem Server.',
    },
  },
  serverCaFile: {
    en: {
      title: 'Certificate authority of the Kontor server',
      help: 'A PEM file with the certificate of the company CA that issued the server’s certificate.',
    },
    de: {
      title: 'Zertifizierungsstelle des Kontor-Servers',
      help: 'Eine PEM-Datei mit dem Zertifikat der Firmen-CA, die das Zertifikat des Servers ausgestellt hat.',
    },
  },
  serverFingerprint: {
    en: {
      title: 'Fingerprint of the Kontor server’s certificate',
      help: 'The SHA-256 fingerprint of a self-signed server certificate, trusted on its own.',
    },
    de: {
      title: 'Fingerabdruck des Server-Zertifikats',
      help: 'Der SHA-256-Fingerabdruck eines selbst signierten Server-Zertifikats, dem allein vertraut wird.',
    },
  },
  allowDirectPostgres: {
    en: {
      title: 'Allow a direct Postgres connection',
      help: 'Disabled: Kontor refuses to connect to a Postgres database directly; desks use the Kontor server or their local database.',
    },
    de: {
      title: 'Direkte Postgres-Verbindung erlauben',
      help: 'Deaktiviert: Kontor verbindet sich nicht direkt mit einer Postgres-Datenbank; Arbeitsplätze nutzen den Kontor-Server oder ihre lokale Datenbank.',
    },
  },
  proxy: {
    en: {
      title: 'Proxy',
      help: 'system: the operating system’s proxy. direct: none. Or a proxy address such as http://proxy.example.com:3128.',
    },
    de: {
      title: 'Proxy',
      help: 'system: der Proxy des Betriebssystems. direct: keiner. Oder eine Proxy-Adresse wie http://proxy.example.com:3128.',
    },
  },
  disabledFeatures: {
    en: {
      title: 'Disabled features',
      help: 'Parts of Kontor users of this computer cannot use: analytics, import, export, keyBackupExport.',
    },
    de: {
      title: 'Deaktivierte Funktionen',
      help: 'Teile von Kontor, die Benutzer dieses Computers nicht verwenden können: analytics, import, export, keyBackupExport.',
    },
  },
  defaultLanguage: {
    en: { title: 'Default language', help: 'The language of Kontor until a user chooses another: de or en.' },
    de: {
      title: 'Standardsprache',
      help: 'Die Sprache von Kontor, bis ein Benutzer eine andere wählt: de oder en.',
    },
  },
};

/** The feature a procedure belongs to, if IT switched that feature off. */
export function disabledFeatureOf(name: string, config: MachineConfig): MachineFeature | null {
  for (const feature of config.disabledFeatures ?? []) {
    if (FEATURE_PROCEDURES[feature].some((p) => (p.endsWith('.') ? name.startsWith(p) : name === p))) return feature;
  }
  return null;
}

/** Electron's proxy settings (session.setProxy) for IT's proxy setting. */
export function proxyRules(
  proxy: MachineConfig['proxy'],
): { mode: 'system' } | { mode: 'direct' } | { mode: 'fixed_servers'; proxyRules: string } {
  if (proxy === undefined || proxy === 'system') return { mode: 'system' };
  if (proxy === 'direct') return { mode: 'direct' };
  return { mode: 'fixed_servers', proxyRules: proxy };
}
