// CSV as spreadsheets read it (RFC 4180, CRLF, UTF-8 with BOM), with cells that would start a
// formula (= + - @) prefixed by an apostrophe so opening an export never runs anything. Numbers
// are numbers: -5 stays -5 (only text can smuggle a formula in). The separator is `,`, or `;` for
// spreadsheets in languages that write decimal commas (German Excel), which then also get their
// numbers with a decimal comma (`1500,5`), so they open as numbers, not as text or dates.
const FORMULA = /^[=+\-@\t\r]/;

export type CsvSeparator = ',' | ';';

export const CSV_BOM = '\uFEFF';

function cell(value: unknown, separator: CsvSeparator): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') {
    const text = String(value);
    return separator === ';' ? text.replace('.', ',') : text;
  }
  const text = typeof value === 'string' ? value : typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  const safe = FORMULA.test(text) ? `'${text}` : text;
  const quote = safe.includes(separator) || /["\r\n]/.test(safe);
  return quote ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One line of cells, ending in CRLF. */
export function csvLine(cells: readonly unknown[], separator: CsvSeparator = ','): string {
  return `${cells.map((value) => cell(value, separator)).join(separator)}\r\n`;
}

export function toCsv(
  rows: readonly Record<string, unknown>[],
  columns?: readonly string[],
  separator: CsvSeparator = ',',
): string {
  const header = columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const lines = [
    csvLine(header, separator),
    ...rows.map((row) =>
      csvLine(
        header.map((c) => row[c]),
        separator,
      ),
    ),
  ];
  return `${CSV_BOM}${lines.join('')}`;
}
