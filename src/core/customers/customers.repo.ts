// The customers repo port.
import type { CustomerListQuery, CustomerPage } from '../../shared/contract';
import type { Executor } from '../db/executor';
import type { CustomerRecord } from './customers.record';

export type { CustomerRecord };

export interface CustomersRepo {
  insert(record: CustomerRecord, tx?: Executor): Promise<void>;
  insertMany(records: readonly CustomerRecord[], tx?: Executor): Promise<void>;
  get(id: string, tx?: Executor): Promise<CustomerRecord | null>;
  /** The stored customers among `ids` (absent ids are missing from the map). */
  getMany(ids: readonly string[], tx?: Executor): Promise<Map<string, CustomerRecord>>;
  /** Stores `record` only if the stored version is `fromVersion` (default `record.version - 1`); false when not. */
  replace(record: CustomerRecord, tx?: Executor, fromVersion?: number): Promise<boolean>;
  /** Removes the customer (and its search words) if the stored version is `fromVersion`; false when not. */
  remove(id: string, tx: Executor, fromVersion: number): Promise<boolean>;
  /** A page of the list or of a search (see customers.list.sql.ts). */
  list(query: CustomerListQuery): Promise<Omit<CustomerPage, 'limit'>>;
  /** Customers not erased whose last change is before `cutoff` (ISO time), oldest first. */
  inactiveSince(cutoff: string): Promise<CustomerRecord[]>;
  /** Customers without a number (created before numbers existed), oldest first. */
  unnumbered(tx?: Executor): Promise<string[]>;
  /** The next value of a per-company counter (1, 2, …), inside the caller's transaction. */
  nextInSequence(name: string, tx: Executor): Promise<number>;
}
