import { auditActor, type AuditService } from '../../audit/audit.service';
import type { Companies } from '../../company/company.services';
import type { CommandMeta } from '../../events/command-meta';
import type { FileGrants } from '../../files';
import type { CallContext, Handlers } from '../../router';
import { z } from 'zod';
import { MAX_SAVED_MAPPINGS, savedMappingSchema, type SavedMapping } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { exportCustomers } from './customer-export';
import { importCustomers } from './customer-import';
import { guessMapping } from './import-mapping';
import { inspectTable, openTable } from './table-source';

/** Company setting: the saved column mappings of imports. */
const MAPPINGS_KEY = 'import.mappings';

/** Imports of at least this many customers refresh the store's statistics afterwards (TenantStore.afterBulkWrite). */
const BULK_ROWS = 1_000;

export interface TransferHandlersDeps {
  readonly companies: Companies;
  readonly commandMeta: CommandMeta;
  readonly files: FileGrants;
  readonly audit: AuditService;
}

/** Import and export of customers: files in, files out. Both are recorded in the audit log. */
export function transferHandlers({
  companies,
  commandMeta,
  files,
  audit,
}: TransferHandlersDeps): Pick<
  Handlers,
  | 'customers.import'
  | 'customers.inspectImport'
  | 'customers.export'
  | 'customers.importMappings'
  | 'customers.saveImportMapping'
  | 'customers.deleteImportMapping'
> {
  const mappingsOf = async (ctx: CallContext) => {
    const { settings } = await companies.of(ctx.session);
    const list = (await settings.get(MAPPINGS_KEY, z.array(savedMappingSchema))) ?? [];
    return {
      list,
      store: async (next: SavedMapping[]) => {
        await settings.set(MAPPINGS_KEY, next);
        return next;
      },
    };
  };
  return {
    'customers.importMappings': async (_input, ctx) => (await mappingsOf(ctx)).list,
    'customers.saveImportMapping': async (input, ctx) => {
      const { list, store } = await mappingsOf(ctx);
      const others = list.filter((m) => m.name.toLocaleLowerCase() !== input.name.toLocaleLowerCase());
      if (others.length >= MAX_SAVED_MAPPINGS) {
        throw new AppError('validation', `a company keeps at most ${MAX_SAVED_MAPPINGS} mappings: delete one first`, {
          reason: 'too_many_mappings',
        });
      }
      return store([...others, input].sort((a, b) => a.name.localeCompare(b.name)));
    },
    'customers.deleteImportMapping': async (input, ctx) => {
      const { list, store } = await mappingsOf(ctx);
      return store(list.filter((m) => m.name !== input.name));
    },
    'customers.inspectImport': async (input, ctx) =>
      inspectTable(await files.resolve(ctx.connection, input.fileId, 'read'), guessMapping),
    'customers.import': async (input, ctx) => {
      const path = await files.resolve(ctx.connection, input.fileId, 'read');
      const rejectsPath = input.rejectsFileId
        ? await files.resolve(ctx.connection, input.rejectsFileId, 'write')
        : null;
      const company = await companies.of(ctx.session);
      const bulk = await company.customers.bulk();
      const result = await importCustomers({
        source: await openTable(path),
        mapping: input.mapping,
        mode: input.mode,
        dryRun: input.dryRun,
        allowDuplicates: input.allowDuplicates,
        rejectsPath,
        db: company.sql,
        bulk,
        meta: () => commandMeta(ctx.session),
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress({ done, total, message: 'rows' }),
      });
      if (result.imported >= BULK_ROWS) await company.afterBulkWrite();
      if (result.imported > 0) {
        await audit.append({
          action: 'customers.imported',
          ...auditActor(ctx.session),
          tenantId: company.tenantId,
          details: { imported: result.imported, rejected: result.rejected.length, mode: result.mode },
        });
      }
      return result;
    },
    'customers.export': async (input, ctx) => {
      const path = await files.resolve(ctx.connection, input.fileId, 'write');
      const company = await companies.of(ctx.session);
      const result = await exportCustomers({
        customers: company.customers,
        path,
        format: input.format,
        language: input.language,
        query: input.query,
        columns: input.columns,
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress({ done, total, message: 'rows' }),
      });
      // A bulk copy of personal data leaves the store: who, how many, in which format.
      await audit.append({
        action: 'customers.exported',
        ...auditActor(ctx.session),
        tenantId: company.tenantId,
        details: { rows: result.rows, format: input.format },
      });
      return result;
    },
  };
}
