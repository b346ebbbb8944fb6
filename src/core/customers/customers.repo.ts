// The customers repo port and what both dialect adapters share.
import type { CustomerListQuery } from '../../shared/contract';
import type { Executor } from '../db/executor';

export interface CustomerRecord {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly city: string | null;
  readonly notes: string | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly erasedAt: string | null;
}

export interface CustomersRepo {
  insert(record: CustomerRecord, tx?: Executor): Promise<void>;
  insertMany(records: readonly CustomerRecord[], tx?: Executor): Promise<void>;
  get(id: string, tx?: Executor): Promise<CustomerRecord | null>;
  /** The stored customers among `ids` (absent ids are missing from the map). */
  getMany(ids: readonly string[], tx?: Executor): Promise<Map<string, CustomerRecord>>;
  /** Stores `record` only if the stored version is `fromVersion` (default `record.version - 1`); false when not. */
  replace(record: CustomerRecord, tx?: Executor, fromVersion?: number): Promise<boolean>;
  list(query: CustomerListQuery): Promise<{ items: CustomerRecord[]; total: number }>;
  /** Customers not erased whose last change is before `cutoff` (ISO time), oldest first. */
  inactiveSince(cutoff: string): Promise<CustomerRecord[]>;
}

const ASCII = /^\p{ASCII}*$/u;

/** Lower case, diacritics removed, ß as ss: the same on both dialects and for the query. */
export function foldForSearch(text: string): string {
  // ASCII text has no marks, no compatibility forms and no ß: lower case is all it needs.
  if (ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replaceAll('ß', 'ss');
}

/** The searchable fields, folded: name, email, phone and city (never the notes). */
export function searchableText(record: CustomerRecord): string {
  const parts = [record.name, record.email, record.phone, record.city].filter((p): p is string => !!p);
  return foldForSearch(parts.join('\n'));
}

export function derivedColumns(record: CustomerRecord): { sortName: string; searchText: string } {
  return { sortName: foldForSearch(record.name), searchText: record.erasedAt ? '' : searchableText(record) };
}

/** A LIKE pattern that matches `search` anywhere, with %, _ and \ taken literally. */
export function containsPattern(search: string): string {
  return `%${foldForSearch(search).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
