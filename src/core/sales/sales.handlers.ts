import { auditActor, type AuditService } from '../audit/audit.service';
import type { Companies } from '../company/company.services';
import { inspectTable, openTable } from '../customers/transfer/table-source';
import type { CommandMeta } from '../events/command-meta';
import type { FileGrants } from '../files';
import type { CallContext, HandlersOf } from '../router';
import { cdnowTransactions, guessSaleMapping, importSales, tableTransactions } from './sales-import';

/** Imports of at least this many documents refresh the store's statistics afterwards (TenantStore.afterBulkWrite). */
const BULK_ROWS = 1_000;

export interface SalesHandlersDeps {
  readonly companies: Companies;
  readonly commandMeta: CommandMeta;
  readonly files: FileGrants;
  readonly audit: AuditService;
}

export function salesHandlers({ companies, commandMeta, files, audit }: SalesHandlersDeps): HandlersOf<'sales'> {
  const of = async (ctx: CallContext) => (await companies.of(ctx.session)).sales;
  return {
    'sales.inspectImport': async (input, ctx) =>
      inspectTable(await files.resolve(ctx.connection, input.fileId, 'read'), guessSaleMapping),
    'sales.import': async (input, ctx) => {
      const path = await files.resolve(ctx.connection, input.fileId, 'read');
      const company = await companies.of(ctx.session);
      const source =
        input.format === 'cdnow'
          ? await cdnowTransactions(path)
          : tableTransactions(await openTable(path), input.mapping);
      const result = await importSales({
        source,
        mode: input.mode,
        dryRun: input.dryRun,
        createCustomers: input.createCustomers,
        currency: input.currency ?? (input.format === 'cdnow' ? 'USD' : 'EUR'),
        vatRate: input.vatRate,
        ...(await company.salesImport()),
        meta: () => commandMeta(ctx.session),
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress({ done, total, message: 'rows' }),
      });
      if (result.imported >= BULK_ROWS) await company.afterBulkWrite();
      if (result.imported > 0) {
        await audit.append({
          action: 'sales.imported',
          ...auditActor(ctx.session),
          tenantId: company.tenantId,
          details: { imported: result.imported, customersCreated: result.customersCreated, mode: result.mode },
        });
      }
      return result;
    },
    'sales.create': async (input, ctx) => (await of(ctx)).create(input.fields, await commandMeta(ctx.session)),
    'sales.get': async (input, ctx) => (await of(ctx)).get(input.id),
    'sales.list': async (input, ctx) => (await of(ctx)).list(input),
    'sales.update': async (input, ctx) =>
      (await of(ctx)).update(input.id, input.changes, await commandMeta(ctx.session), input.expectedVersion),
    'sales.issue': async (input, ctx) =>
      (await of(ctx)).issue(input.id, await commandMeta(ctx.session), input.expectedVersion),
    'sales.setPaid': async (input, ctx) =>
      (await of(ctx)).setPaid(input.id, input.paid, await commandMeta(ctx.session), input.expectedVersion),
    'sales.cancel': async (input, ctx) =>
      (await of(ctx)).cancel(input.id, await commandMeta(ctx.session), input.expectedVersion),
    'sales.credit': async (input, ctx) =>
      (await of(ctx)).credit(input.id, input.date, await commandMeta(ctx.session), input.expectedVersion),
  };
}
