// The customers repo port.
import type { CustomerListQuery, CustomerPage, LikelyDuplicate } from '../../shared/contract';
import type { DataKey } from '../crypto/keyring';
import type { Executor } from '../db/executor';
import type { CustomerRecord } from './customers.record';

export type { CustomerRecord };

/** What a duplicate check compares (stored forms: VAT ID normalised, IBAN electronic format). */
export interface DuplicateProbe {
  readonly vatId?: string | null;
  readonly iban?: string | null;
  readonly email?: string | null;
  readonly name?: string | null;
  readonly city?: string | null;
}

export interface CustomersRepo {
  /** The tables this repository writes (replay and large imports rebuild their indexes after the rows). */
  readonly tables: readonly string[];
  /** Whether no customer is stored (deleted ones do not count). */
  isEmpty(tx?: Executor): Promise<boolean>;
  insert(record: CustomerRecord, tx?: Executor): Promise<void>;
  /** Many rows at once; `keys` are data keys the caller has at hand (new ones, not yet readable outside `tx`). */
  insertMany(records: readonly CustomerRecord[], tx?: Executor, keys?: ReadonlyMap<string, DataKey>): Promise<void>;
  get(id: string, tx?: Executor): Promise<CustomerRecord | null>;
  /** The stored customers among `ids` (absent ids are missing from the map). */
  getMany(ids: readonly string[], tx?: Executor): Promise<Map<string, CustomerRecord>>;
  /** Stores `record` only if the stored version is `fromVersion` (default `record.version - 1`); false when not. */
  replace(record: CustomerRecord, tx?: Executor, fromVersion?: number): Promise<boolean>;
  /**
   * Runs `run` (a replay's pages) without writing search words in `tx`, then writes every stored
   * customer's words once, sorted by the index's key: written in the order of the log they land
   * on random pages of the index, which a large replay pays for page by page (docs/foundation.md).
   */
  withWordsDeferred<T>(tx: Executor, run: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Writes the customers' search words again (their contact persons changed), in `tx`. */
  reindex(ids: readonly string[], tx: Executor): Promise<void>;
  /** Removes the customer (and its search words) if the stored version is `fromVersion`; false when not. */
  remove(id: string, tx: Executor, fromVersion: number): Promise<boolean>;
  /**
   * Customers (not erased, not `excludeId`) that are likely the same as `probe`: same VAT ID, IBAN
   * (by its keyed hash) or email, or the same name in the same city (both folded); at most 10 per
   * reason, those with the most reasons first.
   */
  likelyDuplicates(probe: DuplicateProbe, excludeId?: string, tx?: Executor): Promise<LikelyDuplicate[]>;
  /** The likely duplicates of many probes at once (an import's page): a few queries for all of them. */
  likelyDuplicatesMany(probes: readonly DuplicateProbe[], tx?: Executor): Promise<LikelyDuplicate[][]>;
  /** A page of the list or of a search (see customers.list.sql.ts). */
  list(query: CustomerListQuery): Promise<Omit<CustomerPage, 'limit'>>;
  /** Customers not erased whose last change is before `cutoff` (ISO time), oldest first. */
  inactiveSince(cutoff: string): Promise<CustomerRecord[]>;
  /** The customers that have these numbers: number → id and whether the customer was erased. */
  byNumbers(numbers: readonly string[], tx?: Executor): Promise<Map<string, { id: string; erased: boolean }>>;
  /** Customers without a number (created before numbers existed), oldest first. */
  unnumbered(tx?: Executor): Promise<string[]>;
  /** The next value of a per-company counter (1, 2, …), inside the caller's transaction. */
  nextInSequence(name: string, tx: Executor): Promise<number>;
  /** Takes `count` values of the counter at once; returns the first (the others follow it). */
  reserveInSequence(name: string, count: number, tx: Executor): Promise<number>;
}
