/**
 * `export --format xlsx`: one sheet per unit kind (provinces, departments, communes), numbers as
 * numbers, a frozen header row, column widths that fit Vietnamese names.
 */
import ExcelJS from 'exceljs';
import type { ExportRow } from '../snapshots/export.ts';

const SHEETS: { kind: ExportRow['unit_kind']; title: string }[] = [
  { kind: 'province', title: 'Tỉnh, thành phố' },
  { kind: 'department', title: 'Sở, ban, ngành' },
  { kind: 'commune', title: 'Xã, phường' },
];

const COLUMNS: { header: string; key: keyof ExportRow; width: number; numFmt?: string }[] = [
  { header: 'Thời điểm thu thập', key: 'captured_at', width: 22 },
  { header: 'Mã đơn vị', key: 'unit_code', width: 11 },
  { header: 'Tên đơn vị', key: 'unit_name', width: 48 },
  { header: 'Loại', key: 'unit_kind', width: 11 },
  { header: 'Chỉ số', key: 'metric', width: 34 },
  { header: 'Điểm', key: 'score', width: 9, numFmt: '0.00' },
  { header: 'Điểm tối đa', key: 'max_score', width: 11, numFmt: '0.##' },
  { header: 'Tỷ lệ (%)', key: 'ratio', width: 10, numFmt: '0.00' },
  { header: 'Tử số', key: 'numerator', width: 11, numFmt: '#,##0' },
  { header: 'Mẫu số', key: 'denominator', width: 11, numFmt: '#,##0' },
  { header: 'Xếp hạng', key: 'rank', width: 9 },
];

export async function buildXlsx(rows: readonly ExportRow[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'chiso766';
  for (const sheetDef of SHEETS) {
    const ws = wb.addWorksheet(sheetDef.title, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = COLUMNS.map((c) => ({
      header: c.header,
      key: c.key,
      width: c.width,
      style: c.numFmt ? { numFmt: c.numFmt } : {},
    }));
    ws.getRow(1).font = { bold: true };
    for (const r of rows.filter((x) => x.unit_kind === sheetDef.kind)) ws.addRow({ ...r });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function writeXlsx(rows: readonly ExportRow[], file: string): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(file, await buildXlsx(rows));
}
