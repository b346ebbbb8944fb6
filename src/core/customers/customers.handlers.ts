import type { AuditService } from '../audit/audit.service';
import type { Companies } from '../company/company.services';
import type { CommandMeta } from '../events/command-meta';
import type { FileGrants } from '../files';
import type { CallContext, HandlersOf } from '../router';
import type { Session } from '../session';
import { customerViewsHandlers } from './customer-views.handlers';
import { customerHistory } from './customers.history';
import { transferHandlers } from './transfer/transfer.handlers';

export interface CustomersHandlersDeps {
  readonly companies: Companies;
  readonly commandMeta: CommandMeta;
  readonly userName: (userId: string) => Promise<string | null>;
  readonly files: FileGrants;
  readonly audit: AuditService;
  /** The users of the session's company who can own customers. */
  readonly owners: (session: Session) => Promise<{ id: string; name: string; email: string }[]>;
}

export function customersHandlers({
  companies,
  commandMeta,
  userName,
  files,
  audit,
  owners,
}: CustomersHandlersDeps): HandlersOf<'customers'> {
  const customersOf = async (ctx: CallContext) => (await companies.of(ctx.session)).customers;
  return {
    'customers.create': async (input, ctx) => (await customersOf(ctx)).create(input, await commandMeta(ctx.session)),
    'customers.get': async (input, ctx) => (await customersOf(ctx)).get(input.id),
    'customers.update': async (input, ctx) =>
      (await customersOf(ctx)).update(input.id, input.changes, await commandMeta(ctx.session), input.expectedVersion),
    'customers.setStatus': async (input, ctx) =>
      (await customersOf(ctx)).setStatus(
        input.id,
        input.status,
        input.reason,
        await commandMeta(ctx.session),
        input.expectedVersion,
      ),
    'customers.delete': async (input, ctx) => {
      await (await customersOf(ctx)).delete(input.id, await commandMeta(ctx.session), input.expectedVersion);
      return { deleted: true as const };
    },
    'customers.bulk': async (input, ctx) =>
      (await customersOf(ctx)).applyToMany(input.ids, input.action, () => commandMeta(ctx.session), {
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress({ done, total, message: 'customers' }),
      }),
    'customers.merge': async (input, ctx) =>
      (await customersOf(ctx)).merge(input.sourceId, input.targetId, await commandMeta(ctx.session), {
        source: input.sourceVersion,
        target: input.targetVersion,
      }),
    'customers.duplicates': async (input, ctx) => (await customersOf(ctx)).duplicates(input.fields, input.excludeId),
    'customers.list': async (input, ctx) => (await customersOf(ctx)).list(input),
    'customers.history': async (input, ctx) => {
      const { customers, events, keyring } = await companies.of(ctx.session);
      await customers.get(input.id); // not_found for an unknown customer
      return customerHistory(input.id, { events, keyring, userName });
    },
    'customers.owners': async (_input, ctx) => owners(ctx.session),
    ...transferHandlers({ companies, commandMeta, files, audit }),
    ...customerViewsHandlers({ companies }),
  };
}
