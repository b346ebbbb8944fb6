// Reads a table to import from a file, as spreadsheets and other programs write them: CSV (with or
// without a byte order mark, UTF-8 or Windows-1252, `;`, `,` or tab between cells, cells quoted
// with `"`) or XLSX (the first worksheet). Rows stream: a file of a million rows never sits in
// memory whole.
//
// CSV is split into cells as bytes (csv-parse with `encoding: null`; the separators and quotes are
// ASCII in both encodings) and each cell is decoded on its own, so a UTF-8 file with one row saved
// in another encoding rejects that row ("wrong encoding") instead of garbling it or failing the file.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import yauzl from 'yauzl';
import { AppError } from '../../../shared/errors';

export type TableFormat = 'csv' | 'xlsx';
export type TableEncoding = 'utf-8' | 'windows-1252';
export type TableDelimiter = ',' | ';' | '\t';

/** A cell as read: text, a number (XLSX), or what made it unreadable. */
export type SourceCell = string | number | { readonly problem: 'encoding' | 'formula'; readonly text: string };

export interface SourceRow {
  /** The row as a spreadsheet numbers it: the header is row 1. */
  readonly row: number;
  readonly cells: readonly SourceCell[];
}

export interface TableSource {
  readonly format: TableFormat;
  /** CSV only: how the bytes were read. */
  readonly encoding: TableEncoding | null;
  readonly delimiter: TableDelimiter | null;
  /** The first row's cells, as text. */
  readonly header: readonly string[];
  /** The file's size, for progress: `bytesRead()` counts towards it. */
  readonly size: number;
  bytesRead(): number;
  /** The rows after the header, in order; empty rows are skipped (their numbers too). */
  rows(): AsyncIterable<SourceRow>;
  close(): Promise<void>;
}

const SAMPLE = 1 << 20;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A CSV record longer than this is no row of a table (a file without line ends, a binary file). */
const MAX_CSV_RECORD_BYTES = 1 << 20;
/**
 * What a workbook may unpack to, and how much its parts may be compressed: a zip bomb (a few
 * kilobytes that inflate to gigabytes) is refused before anything is read. A million customers
 * in Excel unpack to about 300 MB.
 */
const MAX_XLSX_UNPACKED_BYTES = 1 << 30;
const MAX_XLSX_ENTRIES = 10_000;
const MAX_XLSX_RATIO = 200;

async function head(path: string): Promise<Buffer> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new AppError(
      'validation',
      error.code === 'ENOENT' ? `no file at ${path}` : `the file cannot be read (${error.code ?? error.message})`,
      { reason: 'file_unreadable' },
    );
  });
  try {
    const buffer = Buffer.alloc(SAMPLE);
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** UTF-8 when the sample decodes as UTF-8 (a sequence cut at the sample's end is fine), else Windows-1252. */
export function detectEncoding(sample: Buffer): TableEncoding {
  if (sample.subarray(0, 3).equals(UTF8_BOM)) return 'utf-8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

/** The separator of the first line: the candidate found most often outside quotes. */
export function detectDelimiter(firstLine: string): TableDelimiter {
  const counts: Record<TableDelimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const char of firstLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === ',' || char === ';' || char === '\t')) counts[char] += 1;
  }
  const best = (Object.entries(counts) as [TableDelimiter, number][]).sort((a, b) => b[1] - a[1])[0];
  return best && best[1] > 0 ? best[0] : ',';
}

function decoderFor(encoding: TableEncoding): (bytes: Buffer) => SourceCell {
  if (encoding === 'windows-1252') return (bytes) => iconv.decode(bytes, 'windows-1252');
  return (bytes) => {
    try {
      return strictUtf8.decode(bytes);
    } catch {
      return { problem: 'encoding', text: iconv.decode(bytes, 'windows-1252') };
    }
  };
}

/** A cell as text (a number as JavaScript writes it; an unreadable cell as what could be read). */
export function cellText(cell: SourceCell): string {
  return typeof cell === 'string' ? cell : typeof cell === 'number' ? String(cell) : cell.text;
}

function isEmptyRow(cells: readonly SourceCell[]): boolean {
  return cells.every((cell) => typeof cell === 'string' && cell.trim() === '');
}

async function openCsv(path: string, sample: Buffer, size: number): Promise<TableSource> {
  const encoding = detectEncoding(sample);
  const decode = decoderFor(encoding);
  const lineEnd = sample.indexOf(0x0a);
  const delimiter = detectDelimiter(iconv.decode(lineEnd < 0 ? sample : sample.subarray(0, lineEnd), encoding));
  let read = 0;

  async function* records(): AsyncGenerator<SourceRow> {
    // The byte order mark is skipped here, not by csv-parse: its `bom` option turns cells into text.
    const start = sample.subarray(0, 3).equals(UTF8_BOM) ? 3 : 0;
    const stream = createReadStream(path, { highWaterMark: 1 << 16, start });
    stream.on('data', (chunk) => {
      read += chunk.length;
    });
    const parser = stream.pipe(
      parse({
        encoding: null,
        delimiter,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: false,
        max_record_size: MAX_CSV_RECORD_BYTES,
      }),
    );
    let row = 0;
    try {
      for await (const record of parser as AsyncIterable<Buffer[]>) {
        row += 1;
        yield { row, cells: record.map(decode) };
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new AppError('validation', `the file is not readable as CSV after row ${row}: ${message}`, {
        reason: 'file_format',
      });
    } finally {
      stream.destroy();
    }
  }

  return tableOf(records(), { format: 'csv', encoding, delimiter, size, bytesRead: () => read });
}

/** A table from its rows: the first names the columns; empty rows after it are skipped. */
async function tableOf(
  all: AsyncGenerator<SourceRow>,
  about: Pick<TableSource, 'format' | 'encoding' | 'delimiter' | 'size' | 'bytesRead'>,
): Promise<TableSource> {
  const first = await all.next();
  if (first.done) {
    throw new AppError('validation', 'the file is empty: the first row must name the columns', {
      reason: 'file_empty',
    });
  }
  return {
    ...about,
    header: first.value.cells.map((cell) => cellText(cell).trim()),
    async *rows() {
      for await (const row of all) if (!isEmptyRow(row.cells)) yield row;
    },
    async close() {
      await all.return(undefined);
    },
  };
}

type ExcelValue = ExcelJS.CellValue;

/** An XLSX cell as import reads it: text or a number; a formula is refused (only values import). */
function excelCell(value: ExcelValue): SourceCell {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('formula' in value || 'sharedFormula' in value) {
    return { problem: 'formula', text: `=${'formula' in value ? value.formula : value.sharedFormula}` };
  }
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('text' in value) return typeof value.text === 'string' ? value.text : '';
  if ('error' in value) return { problem: 'formula', text: value.error };
  return '';
}

/**
 * Reads the whole workbook once as a zip before the spreadsheet reader sees it: its table of
 * contents refuses a zip bomb, and inflating every part (yauzl checks each against the size its
 * header declares, so a part cannot inflate beyond what was checked) refuses a damaged file that
 * the streaming reader would wait on for ever.
 */
async function checkZip(path: string): Promise<void> {
  const refuse = (why: string) =>
    new AppError('validation', `the file is not a workbook Kontor reads: ${why}`, { reason: 'file_format' });
  const damaged = (error: Error) => refuse(`it is a damaged zip file (${error.message})`);
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, opened) =>
      error ? reject(damaged(error)) : resolve(opened),
    ),
  );
  try {
    let unpacked = 0;
    let entries = 0;
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        entries += 1;
        unpacked += entry.uncompressedSize;
        const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
        if (entries > MAX_XLSX_ENTRIES) return reject(refuse('it holds too many parts'));
        if (unpacked > MAX_XLSX_UNPACKED_BYTES) return reject(refuse('it unpacks to more than 1 GB'));
        if (ratio > MAX_XLSX_RATIO && entry.uncompressedSize > 1 << 20) {
          return reject(refuse(`a part is compressed ${Math.round(ratio)} to 1 (a zip bomb)`));
        }
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (error, stream) => {
          if (error) return reject(damaged(error));
          stream.on('error', (streamError: Error) => reject(damaged(streamError)));
          stream.on('end', () => zip.readEntry());
          stream.resume();
        });
      });
      zip.on('end', resolve);
      zip.on('error', (error: Error) => reject(damaged(error)));
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

async function openXlsx(path: string, size: number): Promise<TableSource> {
  await checkZip(path);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    entries: 'emit',
  });
  async function* records(): AsyncGenerator<SourceRow> {
    try {
      for await (const sheet of reader) {
        for await (const row of sheet) {
          const values = Array.isArray(row.values) ? row.values.slice(1) : [];
          yield { row: row.number, cells: Array.from(values, excelCell) };
        }
        return; // the first worksheet only
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new AppError('validation', `the file is not a readable Excel workbook: ${message}`, {
        reason: 'file_format',
      });
    }
  }
  // The streaming reader does not say how far it is; rows count instead (see the import).
  return tableOf(records(), { format: 'xlsx', encoding: null, delimiter: null, size, bytesRead: () => 0 });
}

/** Opens a CSV or XLSX file (told apart by content, not by name) and reads its header row. */
export async function openTable(path: string): Promise<TableSource> {
  const sample = await head(path);
  const { size } = await stat(path);
  if (sample.subarray(0, 4).equals(ZIP_MAGIC)) return openXlsx(path, size);
  return openCsv(path, sample, size);
}

/** Rows an inspection shows for the preview. */
const PREVIEW_ROWS = 10;

/**
 * What an import dialog shows of a file before the import: its format, header and first rows as
 * text, and `guess`'s mapping of its columns to fields (customers and transactions alike).
 */
export async function inspectTable<M>(path: string, guess: (header: readonly string[]) => M) {
  const source = await openTable(path);
  try {
    const preview: string[][] = [];
    for await (const { cells } of source.rows()) {
      preview.push(cells.map(cellText));
      if (preview.length >= PREVIEW_ROWS) break;
    }
    const { format, encoding, delimiter, header } = source;
    return { format, encoding, delimiter, header: [...header], preview, guess: guess(header) };
  } finally {
    await source.close();
  }
}
