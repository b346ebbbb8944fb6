import type { Companies } from '../company/company.services';
import type { HandlersOf } from '../router';
import type { KeysService } from './keys.service';

export function keysHandlers({ keys, companies }: { keys: KeysService; companies: Companies }): HandlersOf<'keys'> {
  return {
    'keys.status': async (_input, ctx) => keys.status(await companies.of(ctx.session)),
    'keys.rotate': async (_input, ctx) =>
      keys.rotate(ctx.session, await companies.of(ctx.session), (done, total) =>
        ctx.progress({ done, total, message: 'keys' }),
      ),
    'keys.exportBackup': async (input, ctx) => keys.exportBackup(ctx.session, input),
  };
}
