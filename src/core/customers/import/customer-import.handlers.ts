import type { Companies } from '../../company/company.services';
import type { CommandMeta } from '../../events/command-meta';
import type { FileGrants } from '../../files';
import type { Handlers } from '../../router';
import { importCustomers } from './customer-import';
import { guessMapping } from './import-mapping';
import { cellText, openTable } from './table-source';

/** Rows the inspection shows for the preview. */
const PREVIEW_ROWS = 10;

export interface CustomerImportHandlersDeps {
  readonly companies: Companies;
  readonly commandMeta: CommandMeta;
  readonly files: FileGrants;
}

export function customerImportHandlers({
  companies,
  commandMeta,
  files,
}: CustomerImportHandlersDeps): Pick<Handlers, 'customers.import' | 'customers.import.inspect'> {
  return {
    'customers.import.inspect': async (input, ctx) => {
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
      return importCustomers({
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
    },
  };
}
