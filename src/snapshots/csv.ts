/**
 * RFC 4180 CSV: quoted when needed, CRLF line ends, UTF-8 with a byte-order mark (so Excel reads
 * Vietnamese names right). `excelVi`: `;` between cells and `,` as the decimal mark — what Excel
 * expects on a machine set to Vietnamese.
 */
export interface CsvOptions {
  excelVi?: boolean;
}

export const BOM = '\uFEFF';

export function csvCell(v: unknown, o: CsvOptions = {}): string {
  if (v === null || v === undefined) return '';
  const s =
    v instanceof Date ? v.toISOString() : typeof v === 'number' && o.excelVi ? String(v).replace('.', ',') : String(v);
  const special = o.excelVi ? /[";\r\n]/ : /[",\r\n]/;
  return special.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<R extends object>(
  columns: readonly (keyof R & string)[],
  rows: readonly R[],
  o: CsvOptions = {},
): string {
  const sep = o.excelVi ? ';' : ',';
  const lines = [columns.join(sep)];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c], o)).join(sep));
  return BOM + lines.join('\r\n') + '\r\n';
}
