// CSV as spreadsheets read it (RFC 4180, CRLF, UTF-8 with BOM), with cells that would start a
// formula (= + - @) prefixed by an apostrophe so opening an export never runs anything. Numbers
// are numbers: -5 stays -5 (only text can smuggle a formula in). The separator is `,`, or `;` for
// spreadsheets in languages that write decimal commas (German Excel).
const FORMULA = /^[=+\-@\t\r]/;

export type CsvSeparator = ',' | ';';

function cell(value: unknown, separator: CsvSeparator): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  const text = typeof value === 'string' ? value : typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  const safe = FORMULA.test(text) ? `'${text}` : text;
  const quote = safe.includes(separator) || /["\r\n]/.test(safe);
  return quote ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(
  rows: readonly Record<string, unknown>[],
  columns?: readonly string[],
  separator: CsvSeparator = ',',
): string {
  const header = columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const line = (cells: readonly unknown[]) => cells.map((value) => cell(value, separator)).join(separator);
  const lines = [line(header), ...rows.map((row) => line(header.map((c) => row[c])))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
