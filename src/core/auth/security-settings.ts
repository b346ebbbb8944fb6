// Sign-in and session rules: installation-wide limits, plus per-tenant "require 2FA".
import { z } from 'zod';
import { INSTALLATION_ADMIN, type SecuritySettings } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { auditActor, type AuditService } from '../audit/audit.service';
import type { Executor } from '../db/executor';
import type { Session } from '../session';
import type { SettingsStore } from '../settings/settings.store';

const installationSchema = z.object({
  maxFailedLogins: z.number().int().default(5),
  lockoutMinutes: z.number().int().default(15),
  idleMinutes: z.number().int().default(15),
  absoluteHours: z.number().int().default(12),
});
type InstallationRules = z.infer<typeof installationSchema>;

export interface SecurityRules {
  /** The cached installation rules (sessions read them on every call). */
  installation(): InstallationRules;
  requireTwoFactor(tenantId: string | null, tx?: Executor): Promise<boolean>;
  get(tenantId: string | null): Promise<SecuritySettings>;
  /**
   * A user's change, with its audit entry in the same transaction: "require 2FA" is the current
   * company's; everything else applies to every company and needs an installation administrator.
   */
  change(session: Session, changes: Partial<SecuritySettings>): Promise<SecuritySettings>;
  load(): Promise<void>;
}

// "Require 2FA" is a company's rule, but sign-in checks it before any company store is open, so
// it is kept in the installation's settings under the company's id.
const tenantKey = (tenantId: string) => `security.tenant.${tenantId}`;
const tenantSchema = z.object({ requireTwoFactor: z.boolean() });

export function createSecurityRules({
  settings,
  audit,
  changed,
}: {
  settings: SettingsStore;
  audit: AuditService;
  /** Tells the other processes on this database that the rules changed (they load them again). */
  changed?: () => Promise<void>;
}): SecurityRules {
  let cached: InstallationRules = installationSchema.parse({});

  async function requireTwoFactor(tenantId: string | null, tx?: Executor): Promise<boolean> {
    if (tenantId === null) return false;
    return (await settings.get(tenantKey(tenantId), tenantSchema, tx))?.requireTwoFactor ?? false;
  }

  async function load(): Promise<void> {
    cached = (await settings.get('security', installationSchema)) ?? installationSchema.parse({});
  }

  /** Writes the change; the cache follows once it is committed. */
  async function write(tenantId: string | null, changes: Partial<SecuritySettings>, tx: Executor) {
    const { requireTwoFactor: require2fa, ...installation } = changes;
    const next = installationSchema.parse({ ...cached, ...installation });
    await settings.set('security', next, tx);
    if (require2fa !== undefined && tenantId !== null)
      await settings.set(tenantKey(tenantId), { requireTwoFactor: require2fa }, tx);
    return { ...next, requireTwoFactor: await requireTwoFactor(tenantId, tx) };
  }

  return {
    installation: () => cached,
    requireTwoFactor,
    load,
    async get(tenantId) {
      return { ...cached, requireTwoFactor: await requireTwoFactor(tenantId) };
    },
    async change(session, changes) {
      const installationWide = Object.keys(changes).filter((key) => key !== 'requireTwoFactor');
      if (installationWide.length > 0 && !session.permissions.has(INSTALLATION_ADMIN)) {
        throw new AppError(
          'forbidden',
          `forbidden: ${installationWide.join(', ')} apply to every company; only an installation administrator may change them`,
          { reason: 'installation_admin_required' },
        );
      }
      const result = await audit.record(async (tx) => {
        const value = await write(session.tenantId, changes, tx);
        const entry = { ...auditActor(session), action: 'settings.security.changed', tenantId: session.tenantId };
        return { value, entry: { ...entry, details: changes } };
      });
      cached = installationSchema.parse(result); // committed: the cache follows
      await changed?.();
      return result;
    },
  };
}
