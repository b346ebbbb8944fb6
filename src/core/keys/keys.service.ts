// The installation's keys as administrators handle them: status and rotation of a company's
// key-encryption key, and the key backup that opens every company of the installation.
import type { KeyStatusView } from '../../shared/contract';
import { auditActor, type AuditService } from '../audit/audit.service';
import type { IdentityService } from '../auth/identity.service';
import type { CompanyServices } from '../company/company.services';
import type { Clock } from '../deps';
import type { Session } from '../session';
import type { TenantsService } from '../tenants/tenants.service';
import { exportKeyBackup } from './key-backup';
import { keyNames, type KeyStore } from './keystore';

export interface KeysServiceDeps {
  readonly keyStore: KeyStore;
  readonly tenants: TenantsService;
  readonly identity: Pick<IdentityService, 'confirmPassword'>;
  readonly audit: AuditService;
  readonly clock: Clock;
}

export function createKeysService({ keyStore, tenants, identity, audit, clock }: KeysServiceDeps) {
  return {
    async status(company: CompanyServices): Promise<KeyStatusView> {
      return { ...(await company.keyring.status()), keyStore: keyStore.kind };
    },

    /**
     * A new key-encryption key for the company; every data key is re-wrapped. The rotation commits
     * in the company's store, then the audit log records it (a long action: see docs/architecture.md).
     */
    async rotate(session: Session, company: CompanyServices, onProgress: (done: number, total: number) => void) {
      const result = await company.keyring.rotate(onProgress);
      await audit.append({
        ...auditActor(session),
        action: 'keys.rotated',
        tenantId: company.tenantId,
        details: result,
      });
      return result;
    },

    /**
     * Every key of the installation in one passphrase-protected file. The keys open every company,
     * so only an installation administrator (the router checks) may take them, after giving the
     * password again.
     */
    async exportBackup(session: Session, input: { password: string; passphrase: string }) {
      await identity.confirmPassword(session, input.password);
      const names: string[] = [
        keyNames.systemDatabase,
        keyNames.systemSecrets,
        keyNames.fieldMaster,
        keyNames.auditChain,
        keyNames.backupSeal,
      ];
      for (const tenant of await tenants.list()) names.push(keyNames.tenantDatabase(tenant.id));
      const content = await exportKeyBackup(keyStore, names, input.passphrase, clock.now());
      const held = (JSON.parse(content) as { names: string[] }).names;
      await audit.append({ ...auditActor(session), action: 'keys.exported', details: { names: held } });
      return { fileName: `kontor-keys-${clock.now().toISOString().slice(0, 10)}.kontorkeys`, content, names: held };
    },
  };
}

export type KeysService = ReturnType<typeof createKeysService>;
