// Saved views of the customer list, per user: kept in the company's settings under the user's id,
// so they go with the company's data (backups, the server) and vanish with nothing else.
import { z } from 'zod';
import { MAX_SAVED_VIEWS, savedViewSchema, type SavedView } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { Companies } from '../company/company.services';
import type { CallContext, Handlers } from '../router';

/** Company setting: every user's saved views, by user id. */
const VIEWS_KEY = 'customers.views';
const storedSchema = z.record(z.string(), z.array(savedViewSchema));

const sameName = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

export function customerViewsHandlers({
  companies,
}: {
  companies: Companies;
}): Pick<Handlers, 'customers.views' | 'customers.saveView' | 'customers.deleteView'> {
  const viewsOf = async (ctx: CallContext) => {
    const { settings } = await companies.of(ctx.session);
    const all = (await settings.get(VIEWS_KEY, storedSchema)) ?? {};
    const userId = ctx.session.userId;
    return {
      mine: all[userId] ?? [],
      store: async (next: SavedView[]) => {
        // Read again right before writing: another desk may have saved meanwhile (its other users' views stay).
        const latest = (await settings.get(VIEWS_KEY, storedSchema)) ?? {};
        await settings.set(VIEWS_KEY, { ...latest, [userId]: next });
        return next;
      },
    };
  };
  return {
    'customers.views': async (_input, ctx) => (await viewsOf(ctx)).mine,
    'customers.saveView': async (input, ctx) => {
      const { mine, store } = await viewsOf(ctx);
      const others = mine.filter((v) => !sameName(v.name, input.name));
      if (others.length >= MAX_SAVED_VIEWS) {
        throw new AppError('validation', `at most ${MAX_SAVED_VIEWS} saved views: delete one first`, {
          reason: 'too_many_views',
        });
      }
      const view = { ...input, name: input.name.trim() };
      return store([...others, view].sort((a, b) => a.name.localeCompare(b.name)));
    },
    'customers.deleteView': async (input, ctx) => {
      const { mine, store } = await viewsOf(ctx);
      if (!mine.some((v) => sameName(v.name, input.name))) {
        throw new AppError('not_found', `no saved view named ${input.name}`, { reason: 'no_view' });
      }
      return store(mine.filter((v) => !sameName(v.name, input.name)));
    },
  };
}
