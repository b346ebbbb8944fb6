import type { HandlersOf } from '../router';
import type { createDatabaseSettings } from './database-settings';

export function settingsHandlers({
  database,
}: {
  database: ReturnType<typeof createDatabaseSettings>;
}): HandlersOf<'settings'> {
  return {
    'settings.getDatabase': async () => database.get(),
    'settings.setDatabase': async (input, ctx) => database.set(ctx.session, input),
    'settings.testServer': async (input) => database.test(input),
  };
}
