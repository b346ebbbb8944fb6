// THE IPC contract: every procedure of every area, merged. Types and runtime checks come from here.
import type { z } from 'zod';
import { activitiesContract } from './activities';
import { salesContract } from './sales';
import { analyticsContract } from './analytics';
import { auditContract } from './audit';
import { contactsContract } from './contacts';
import { authContract } from './auth';
import { backupsContract } from './backups';
import { customersContract } from './customers';
import { customerImportContract } from './customer-import';
import { customerViewsContract } from './customer-views';
import { eventsContract } from './events';
import { gdprContract } from './gdpr';
import { mailContract } from './mail';
import type { procedureNames } from './names';
import type { ProcedureDef } from './procedure';
import { appContract } from './app';
import { keysContract } from './keys';
import { settingsContract } from './settings';
import { tenantsContract } from './tenants';
import { supportContract } from './support';
import { updatesContract } from './updates';
import { usersContract } from './users';

export const contract = {
  ...customersContract,
  ...customerImportContract,
  ...customerViewsContract,
  ...contactsContract,
  ...activitiesContract,
  ...salesContract,
  ...analyticsContract,
  ...appContract,
  ...settingsContract,
  ...tenantsContract,
  ...authContract,
  ...usersContract,
  ...auditContract,
  ...mailContract,
  ...eventsContract,
  ...gdprContract,
  ...keysContract,
  ...updatesContract,
  ...supportContract,
  ...backupsContract,
} as const satisfies Record<string, ProcedureDef>;

export type Contract = typeof contract;
export type ProcedureName = keyof Contract;
/** What a caller passes (defaults still optional). */
export type Input<N extends ProcedureName> = z.input<Contract[N]['input']>;
/** What a handler receives after parsing (defaults filled in). */
export type ParsedInput<N extends ProcedureName> = z.output<Contract[N]['input']>;
export type Output<N extends ProcedureName> = z.output<Contract[N]['output']>;

export function isProcedureName(name: string): name is ProcedureName {
  return Object.hasOwn(contract, name);
}

// The preload's name list must match the contract exactly, in both directions.
type Listed = (typeof procedureNames)[number];
type NamesAgree = [Exclude<ProcedureName, Listed>, Exclude<Listed, ProcedureName>] extends [never, never]
  ? true
  : { missingFromNames: Exclude<ProcedureName, Listed>; notInContract: Exclude<Listed, ProcedureName> };
export const namesAgree: NamesAgree = true;

export { procedureNames, eventNames } from './names';
export type { EventName } from './names';
export * from './activities';
export * from './sales';
export * from './analytics';
export * from './audit';
export * from './contacts';
export * from './auth';
export * from './backups';
export * from './customers';
export * from './customer-import';
export * from './customer-views';
export * from './events';
export * from './gdpr';
export * from './mail';
export * from './support';
export * from './updates';
export * from './users';
export * from './permissions';
export * from './procedure';
export * from './app';
export * from './keys';
export * from './settings';
export * from './tenants';
