// Importing customers from a file, page by page: each row is read through the mapping, checked by
// the same rules as a customer created by hand, compared with the rows before it and with the
// customers already stored (likely duplicates), and stored by the page through the event log.
//
// Modes: `all` writes the whole import in one transaction and keeps it only when no row was
// rejected (a crash or a cancel leaves nothing); `valid` commits every page of valid rows (a crash
// or a cancel leaves the pages before it, never half a customer) and can write the rejected rows,
// with their reasons, to a file to correct and import again. A dry run reads and checks everything
// and writes nothing.
import { writeFile } from 'node:fs/promises';
import type { ImportMapping, ImportMode, ImportResult, LikelyDuplicate, RejectedRow } from '../../../shared/contract';
import { toCsv } from '../../../shared/csv';
import { AppError } from '../../../shared/errors';
import type { Executor } from '../../db/executor';
import type { EventMeta } from '../../events/event-store';
import { yieldToEventLoop } from '../../yield';
import { foldForSearch } from '../customers.search';
import type { BulkCreate, CustomerDraft } from '../customers.service';
import { guessMapping, rowReader, type CellProblem, type RowReader } from './import-mapping';
import { cellText, type SourceCell, type TableSource } from './table-source';

/** Rows per page: checked together, stored in one statement per table. */
const PAGE = 500;

export interface ImportOptions {
  readonly source: TableSource;
  readonly mapping?: ImportMapping | undefined;
  readonly mode: ImportMode;
  readonly dryRun: boolean;
  readonly allowDuplicates: boolean;
  /** Where to write the rejected rows (with a column of reasons), if anywhere. */
  readonly rejectsPath?: string | null;
  readonly db: Executor;
  readonly bulk: BulkCreate;
  /** The metadata of one page's events (one command per page). */
  readonly meta: () => Promise<EventMeta>;
  readonly signal?: AbortSignal;
  /** Rows read so far, and the rows the file probably holds (null while unknown). */
  readonly onProgress?: (done: number, total: number | null) => void;
}

/** The mapping checked against the file's header; a mapping that cannot work is refused before any row. */
function checkedMapping(header: readonly string[], mapping: ImportMapping): ImportMapping {
  const missing = Object.entries(mapping)
    .filter(([column, field]) => field !== null && !header.includes(column))
    .map(([column]) => column);
  if (missing.length > 0) {
    throw new AppError('validation', `the mapping names columns the file does not have: ${missing.join(', ')}`, {
      reason: 'mapping_columns',
      columns: missing,
    });
  }
  const twice = header.filter((column, i) => mapping[column] && header.indexOf(column) !== i);
  if (twice.length > 0) {
    throw new AppError('validation', `two columns are named ${twice[0] ?? ''}: rename one of them in the file`, {
      reason: 'mapping_columns',
      columns: twice,
    });
  }
  const fields = new Set(Object.values(mapping));
  if (!fields.has('name') && !fields.has('lastName')) {
    throw new AppError('validation', 'map a column to the name (or, for persons, to the last name)', {
      reason: 'mapping_name',
    });
  }
  return mapping;
}

/** What makes two rows the same customer, as the duplicate check of stored customers sees it. */
function sameness(draft: CustomerDraft): [key: string, what: 'vatId' | 'iban' | 'email' | 'nameAndCity'][] {
  const { personal } = draft;
  const keys: [string, 'vatId' | 'iban' | 'email' | 'nameAndCity'][] = [];
  if (personal.vatId) keys.push([`v:${personal.vatId}`, 'vatId']);
  if (personal.bankAccount) keys.push([`i:${personal.bankAccount.iban}`, 'iban']);
  if (personal.email) keys.push([`e:${foldForSearch(personal.email)}`, 'email']);
  const city = personal.billingAddress?.city;
  if (city) keys.push([`n:${foldForSearch(personal.name)}\u0000${foldForSearch(city)}`, 'nameAndCity']);
  return keys;
}

const SAME: Readonly<Record<'vatId' | 'iban' | 'email' | 'nameAndCity', string>> = {
  vatId: 'VAT ID',
  iban: 'IBAN',
  email: 'email',
  nameAndCity: 'name and city',
};
const FIELD_OF = { vatId: 'vatId', iban: 'iban', email: 'email', nameAndCity: 'name' } as const;

/** An import stopped by its caller: what it kept (mode `valid` keeps the pages before the cancel). */
export function importCancelled(kept: number, what: string): AppError {
  return new AppError(
    'conflict',
    kept > 0
      ? `import cancelled: the ${kept} ${what} imported before stay; the rest of the file was not imported`
      : 'import cancelled: nothing was imported',
    { reason: 'cancelled', imported: kept },
  );
}

/** Thrown inside the transaction of mode `all` to undo it when a row was rejected. */
class RolledBack extends Error {}

interface PendingRow {
  readonly row: number;
  readonly draft: CustomerDraft;
}

export async function importCustomers(options: ImportOptions): Promise<ImportResult> {
  const { source, mode, dryRun, db, bulk, signal, onProgress } = options;
  const mapping = checkedMapping(source.header, options.mapping ?? guessMapping(source.header));
  const reader = rowReader(source.header, mapping, source.delimiter);
  const rejected: RejectedRow[] = [];
  const rejectedRows: { row: number; cells: readonly SourceCell[]; reasons: string[] }[] = [];
  /** Accepted rows by what makes them the same customer, to find duplicates inside the file. */
  const seen = new Map<string, number>();
  let rows = 0;
  let imported = 0;
  let compareWithStored = !options.allowDuplicates;

  const reject = (row: number, cells: readonly SourceCell[], problems: readonly CellProblem[]) => {
    for (const { column, reason } of problems) rejected.push({ row, column, reason });
    if (options.rejectsPath) {
      rejectedRows.push({
        row,
        cells,
        reasons: problems.map((p) => (p.column ? `${p.column}: ${p.reason}` : p.reason)),
      });
    }
  };

  /** The page's rows that pass every check, in order; the others are rejected. */
  async function check(page: readonly { row: number; cells: readonly SourceCell[] }[], tx: Executor | undefined) {
    const candidates: (PendingRow & { cells: readonly SourceCell[] })[] = [];
    for (const { row, cells } of page) {
      const read = reader.read(cells);
      if (!read.ok) {
        reject(row, cells, read.problems);
        continue;
      }
      const checked = await bulk.check(read.fields);
      if (!checked.ok) {
        reject(
          row,
          cells,
          checked.issues.map((issue) => ({ column: reader.columnAt(issue.path), reason: issue.message })),
        );
        continue;
      }
      const inFile = sameInFile(checked.draft, reader);
      if (inFile.length > 0) {
        reject(row, cells, inFile);
        continue;
      }
      for (const [key] of sameness(checked.draft)) seen.set(key, row);
      candidates.push({ row, cells, draft: checked.draft });
    }
    // The stored customers, for the whole page at once.
    const stored = compareWithStored
      ? await bulk.duplicates(
          candidates.map((c) => c.draft),
          tx,
        )
      : [];
    const passed: PendingRow[] = [];
    candidates.forEach(({ row, cells, draft }, i) => {
      const like = storedLike(stored[i] ?? [], reader);
      if (like.length === 0) {
        passed.push({ row, draft });
        return;
      }
      reject(row, cells, like);
      // A rejected row is nobody's original: a later row like it is compared with the store again.
      for (const [key] of sameness(draft)) if (seen.get(key) === row) seen.delete(key);
    });
    return passed;
  }

  function sameInFile(draft: CustomerDraft, columns: RowReader): CellProblem[] {
    return sameness(draft).flatMap(([key, what]) => {
      const earlier = seen.get(key);
      return earlier === undefined
        ? []
        : [{ column: columns.columnOf(FIELD_OF[what]), reason: `same ${SAME[what]} as row ${earlier}` }];
    });
  }

  async function store(passed: readonly PendingRow[], tx: Executor): Promise<void> {
    await bulk.create(
      passed.map((p) => p.draft),
      await options.meta(),
      tx,
    );
    imported += passed.length;
  }

  async function run(tx: Executor | undefined): Promise<void> {
    let page: { row: number; cells: readonly SourceCell[] }[] = [];
    const flush = async () => {
      throwIfStopped();
      const passed = await check(page, tx);
      page = [];
      // Mode `all` stores nothing more once a row was rejected: the transaction is undone anyway.
      if (!dryRun && passed.length > 0 && (mode === 'valid' || rejected.length === 0)) {
        if (tx) await store(passed, tx);
        else await db.transaction((inner) => store(passed, inner));
      }
      const read = source.bytesRead();
      onProgress?.(rows, read > 0 ? Math.max(rows, Math.round((rows * source.size) / read)) : null);
      // SQLite answers synchronously: let progress out, a cancel and other calls in.
      await yieldToEventLoop();
    };
    for await (const { row, cells } of source.rows()) {
      rows += 1;
      page.push({ row, cells });
      if (page.length >= PAGE) await flush();
    }
    if (page.length > 0) await flush();
  }

  function throwIfStopped(): void {
    if (signal?.aborted) throw importCancelled(mode === 'valid' ? imported : 0, 'customers');
  }

  try {
    if (mode === 'all' && !dryRun) {
      await db
        .transaction(async (tx) => {
          // Into a company without customers, nothing stored can be a duplicate (the file's own
          // rows are compared with each other): the indexes are then built once, after the rows.
          // Otherwise they stay, for the duplicate checks; the search words go in sorted runs
          // either way.
          const empty = await bulk.isEmpty(tx);
          if (empty) compareWithStored = false;
          await bulk.bulkLoad(tx, () => run(tx), { dropIndexes: empty });
          if (rejected.length > 0) throw new RolledBack();
        })
        .catch((error: unknown) => {
          if (!(error instanceof RolledBack)) throw error;
          imported = 0;
        });
    } else {
      await run(undefined);
    }
  } finally {
    await source.close();
  }

  if (options.rejectsPath) await writeRejects(options.rejectsPath, source, rejectedRows);
  return {
    dryRun,
    mode,
    rows,
    imported: dryRun ? 0 : imported,
    rejected,
    rejectedFile: options.rejectsPath ?? null,
  };
}

function storedLike(found: readonly LikelyDuplicate[], columns: RowReader): CellProblem[] {
  return found.slice(0, 1).map(({ customer, reasons }) => {
    const first = reasons[0] ?? 'nameAndCity';
    return {
      column: columns.columnOf(FIELD_OF[first]),
      reason: `likely the same as customer ${customer.number} ${customer.name} (same ${reasons.map((r) => SAME[r]).join(', ')})`,
    };
  });
}

/** The rejected rows as they were, with a last column saying why: correct them and import the file again. */
async function writeRejects(
  path: string,
  source: TableSource,
  rows: readonly { row: number; cells: readonly SourceCell[]; reasons: string[] }[],
): Promise<void> {
  const reasonColumn = 'Kontor: rejected because';
  const rowColumn = 'Kontor: row';
  const header = [...source.header, rowColumn, reasonColumn];
  const records = rows.map(({ row, cells, reasons }) => {
    const record: Record<string, unknown> = {};
    source.header.forEach((column, i) => {
      const cell = cells[i];
      record[column] = cell === undefined ? '' : cellText(cell);
    });
    record[rowColumn] = row;
    record[reasonColumn] = reasons.join('; ');
    return record;
  });
  await writeFile(path, toCsv(records, header, source.delimiter === ';' ? ';' : ','));
}
