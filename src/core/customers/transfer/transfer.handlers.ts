import { auditActor, type AuditService } from '../../audit/audit.service';
import type { Companies } from '../../company/company.services';
import type { CommandMeta } from '../../events/command-meta';
import type { FileGrants } from '../../files';
import type { Handlers } from '../../router';
import { exportCustomers } from './customer-export';
import { importCustomers } from './customer-import';
import { guessMapping } from './import-mapping';
import { cellText, openTable } from './table-source';

/** Rows the inspection shows for the preview. */
const PREVIEW_ROWS = 10;

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
}: TransferHandlersDeps): Pick<Handlers, 'customers.import' | 'customers.inspectImport' | 'customers.export'> {
  return {
    'customers.inspectImport': async (input, ctx) => {
      const source = await openTable(files.resolve(ctx.connection, input.fileId, 'read'));
      try {
        const preview: string[][] = [];
        for await (const { cells } of source.rows()) {
          preview.push(cells.map(cellText));
          if (preview.length >= PREVIEW_ROWS) break;
        }
        const { format, encoding, delimiter, header } = source;
        return { format, encoding, delimiter, header: [...header], preview, guess: guessMapping(header) };
      } finally {
        await source.close();
      }
    },
    'customers.import': async (input, ctx) => {
      const path = files.resolve(ctx.connection, input.fileId, 'read');
      const rejectsPath = input.rejectsFileId ? files.resolve(ctx.connection, input.rejectsFileId, 'write') : null;
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
      const path = files.resolve(ctx.connection, input.fileId, 'write');
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
