// Sign-in and session rules: installation-wide limits, plus per-tenant "require 2FA".
import { z } from 'zod';
import type { SecuritySettings } from '../../shared/contract';
import type { IdentityRepo } from './identity.repo';

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
  requireTwoFactor(tenantId: string | null): Promise<boolean>;
  get(tenantId: string | null): Promise<SecuritySettings>;
  set(tenantId: string | null, changes: Partial<SecuritySettings>): Promise<SecuritySettings>;
  load(): Promise<void>;
}

const tenantKey = (tenantId: string) => `security.tenant.${tenantId}`;

export function createSecurityRules(repo: IdentityRepo): SecurityRules {
  let cached: InstallationRules = installationSchema.parse({});

  async function requireTwoFactor(tenantId: string | null): Promise<boolean> {
    if (tenantId === null) return false;
    const value = await repo.setting(tenantKey(tenantId));
    return z.object({ requireTwoFactor: z.boolean() }).safeParse(value).data?.requireTwoFactor ?? false;
  }

  return {
    installation: () => cached,
    requireTwoFactor,
    async load() {
      cached = installationSchema.parse((await repo.setting('security')) ?? {});
    },
    async get(tenantId) {
      return { ...cached, requireTwoFactor: await requireTwoFactor(tenantId) };
    },
    async set(tenantId, changes) {
      const { requireTwoFactor: require2fa, ...installation } = changes;
      const next = installationSchema.parse({ ...cached, ...installation });
      await repo.setSetting('security', next);
      if (require2fa !== undefined && tenantId !== null)
        await repo.setSetting(tenantKey(tenantId), { requireTwoFactor: require2fa });
      cached = next;
      return { ...next, requireTwoFactor: await requireTwoFactor(tenantId) };
    },
  };
}
