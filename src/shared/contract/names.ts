// The names the preload may forward, kept free of zod so the preload bundle stays tiny.
// index.ts checks at compile time that this list and the contract agree exactly.
export const procedureNames = [
  'customers.create',
  'customers.get',
  'customers.update',
  'customers.list',
  'system.ping',
  'app.info',
  'app.status',
  'app.unlock',
  'settings.getDatabase',
  'settings.setDatabase',
  'tenants.setup',
  'tenants.list',
] as const;

/** Events the main process may push to the renderer. */
export const eventNames = ['progress'] as const;
export type EventName = (typeof eventNames)[number];
