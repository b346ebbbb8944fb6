// The support bundle IT asks users for, the About dialog's facts and the shipped licences. The
// bundle is a zip of what helps to find a problem and nothing that is not IT's to see: the logs
// (already free of personal data and secrets, see file-logger.ts), the versions, the settings file
// as the settings screen shows it (no password, no certificate), the machine configuration and the
// problems found in it, the update state, and the last errors of this run.
import { readFileSync, statSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { basename } from 'node:path';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { licencesSchema, type About, type Licences, type UpdateState } from '../../shared/contract';
import { MACHINE_DEFAULTS, type MachineState } from '../../shared/machine-config';
import type { Clock } from '../deps';
import type { FileLogger } from '../logs/file-logger';
import { describe } from '../settings/database-settings';
import { readSettingsFile } from '../settings/settings.file';

/** Logs beyond this (newest first) are left out of a bundle, so it stays small enough to mail. */
const LOG_BUDGET = 8 * 1024 * 1024;

export interface SupportOptions {
  readonly version: string;
  readonly machine: MachineState;
  readonly settingsFile: string;
  readonly clock: Clock;
  /** The desktop's file log; none in the web host (its log is the console). */
  readonly logger?: FileLogger | null;
  readonly updates?: () => UpdateState;
  /** out/licenses.json, made at build time (scripts/licenses.mjs). */
  readonly licencesFile?: string;
}

export interface Support {
  about(): About;
  licences(): Licences;
  bundle(): { fileName: string; content: string; size: number };
}

const json = (value: unknown) => strToU8(`${JSON.stringify(value, null, 2)}\n`);

export function createSupport(options: SupportOptions): Support {
  function about(): About {
    return {
      version: options.version,
      channel: options.machine.config.updateChannel ?? MACHINE_DEFAULTS.updateChannel,
      platform: platform(),
      arch: arch(),
      versions: {
        electron: process.versions['electron'] ?? null,
        chrome: process.versions['chrome'] ?? null,
        node: process.versions.node,
      },
    };
  }

  /** The settings file as the settings screen describes it; a broken file says only that. */
  function settings(): unknown {
    try {
      const file = readSettingsFile(options.settingsFile);
      return { database: describe(file.database), keyStore: file.keyStore ?? null };
    } catch (error) {
      return { unreadable: (error as Error).message.replace(options.settingsFile, 'settings.json') };
    }
  }

  return {
    about,
    licences() {
      if (!options.licencesFile) return { packages: [], texts: {} };
      try {
        return licencesSchema.parse(JSON.parse(readFileSync(options.licencesFile, 'utf8')));
      } catch {
        return { packages: [], texts: {} };
      }
    },
    bundle() {
      const now = options.clock.now();
      const files: Zippable = {
        'about.json': json({ ...about(), osRelease: release(), createdAt: now.toISOString() }),
        'settings.json': json(settings()),
        'machine.json': json(options.machine),
        'updates.json': json(options.updates?.() ?? { state: 'disabled', why: 'not_here' }),
        'errors.json': json(options.logger?.recent() ?? []),
      };
      let budget = LOG_BUDGET;
      for (const file of options.logger?.files() ?? []) {
        const size = statSync(file).size;
        if (size > budget) break;
        budget -= size;
        files[`logs/${basename(file)}`] = readFileSync(file);
      }
      const zip = zipSync(files, { level: 6, mtime: now });
      const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, '-');
      return {
        fileName: `kontor-support-${stamp}.zip`,
        content: Buffer.from(zip).toString('base64'),
        size: zip.length,
      };
    },
  };
}
