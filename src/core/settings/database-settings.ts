// Which database the installation uses: read from and written to the settings file, because it
// must be known before any database opens. A change applies at the next start.
import type { DatabaseChoice, DatabaseSettings } from '../../shared/contract/settings';
import { auditActor, type AuditService } from '../audit/audit.service';
import type { SecretBox } from '../crypto/secret-box';
import { maskUrl } from '../db/postgres';
import { pgClientConfig } from '../db/pg-config';
import type { Session } from '../session';
import { AppError } from '../../shared/errors';
import { checkServer } from '../remote/remote-router';
import { readSettingsFile, storedDatabase, writeSettingsFile, type StoredDatabase } from './settings.file';

export interface DatabaseSettingsDeps {
  readonly settingsFile: string;
  /** What this process runs on. */
  readonly active: DatabaseSettings['active'];
  readonly secrets: SecretBox;
  readonly audit: AuditService;
  /** The Kontor server: its database comes from its environment (this describes it), never from here. */
  readonly fixed?: string | undefined;
}

/** What the settings screen shows of a choice (as chosen or as stored): no password, no certificate. */
export function describe(choice: DatabaseChoice | StoredDatabase): DatabaseSettings['configured'] {
  if (choice.kind === 'postgres') return { kind: 'postgres', url: maskUrl(choice.url) };
  if (choice.kind === 'server')
    return { kind: 'server', url: choice.url, ca: choice.ca !== undefined, fingerprint: choice.fingerprint ?? null };
  return choice;
}

export function createDatabaseSettings({ settingsFile, active, secrets, audit, fixed }: DatabaseSettingsDeps) {
  function get(): DatabaseSettings {
    if (fixed !== undefined) return { active, configured: { kind: 'postgres', url: fixed }, restartRequired: false };
    const configured = readSettingsFile(settingsFile).database;
    return {
      active,
      configured: describe(configured),
      restartRequired: configured.kind !== active,
    };
  }

  return {
    get,
    /** Writes the settings file with its audit entry; a file that cannot be written leaves no entry. */
    async set(session: Session, choice: DatabaseChoice): Promise<DatabaseSettings> {
      if (fixed !== undefined) {
        throw new AppError(
          'conflict',
          "the Kontor server's database is set by its environment (KONTOR_SERVER_DATABASE_URL), not here",
          { reason: 'database_fixed' },
        );
      }
      // Checked now (sslmode, files it names), so a bad address is a field error, not a failed start.
      if (choice.kind === 'postgres') pgClientConfig(choice.url);
      await audit.record(async () => {
        const current = readSettingsFile(settingsFile);
        writeSettingsFile(settingsFile, { ...current, database: storedDatabase(choice, secrets.seal) });
        const entry = { ...auditActor(session), action: 'settings.database.changed', details: { kind: choice.kind } };
        return { value: undefined, entry };
      });
      const settings = get();
      // A changed address of the same kind also needs a restart.
      return { ...settings, restartRequired: settings.restartRequired || choice.kind !== 'sqlite' };
    },
    /** The settings screen's test button: does this computer reach that Kontor server? */
    test: checkServer,
  };
}
