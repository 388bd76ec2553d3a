/**
 * `export --format xlsx --layout long`: every observation as one row, one sheet per unit kind —
 * for pivot tables. Same conventions as the notice workbook (`sheets.ts`): Vietnamese names for
 * unit kinds and metrics (the code kept in its own column for formulas), capture time as a date
 * cell in Vietnam time, numbers as numbers, autofilter, frozen header, A4 landscape.
 */
import { metricLabel } from '../domain/wording.ts';
import { UNIT_KIND_LABEL } from '../domain/vocabulary.ts';
import type { UnitKind } from '../domain/units.ts';
import type { ExportRow } from '../snapshots/export.ts';
import { addTableSheet, excelLocalDate, newWorkbook } from './sheets.ts';

const KINDS: readonly UnitKind[] = ['province', 'department', 'commune'];

export async function buildLongWorkbook(rows: readonly ExportRow[], tz: string): Promise<Buffer> {
  const wb = await newWorkbook();
  wb.creator = 'Bộ chỉ số 766';
  for (const kind of KINDS) {
    addTableSheet(
      wb,
      UNIT_KIND_LABEL[kind],
      [
        { header: 'Thời điểm thu thập', width: 17, numFmt: 'dd/mm/yyyy hh:mm' },
        { header: 'Mã đơn vị', width: 11 },
        { header: 'Tên đơn vị', width: 46 },
        { header: 'Loại đơn vị', width: 16 },
        { header: 'Chỉ số', width: 40 },
        { header: 'Mã chỉ số', width: 14 },
        { header: 'Điểm', width: 9, numFmt: '0.00' },
        { header: 'Điểm tối đa', width: 10, numFmt: '0.##' },
        { header: 'Tỷ lệ (%)', width: 10, numFmt: '0.00' },
        { header: 'Tử số', width: 11, numFmt: '#,##0' },
        { header: 'Mẫu số', width: 11, numFmt: '#,##0' },
        { header: 'Xếp hạng', width: 9 },
      ],
      rows
        .filter((r) => r.unit_kind === kind)
        .map((r) => [
          excelLocalDate(new Date(r.captured_at), tz),
          r.unit_code,
          r.unit_name,
          UNIT_KIND_LABEL[kind],
          metricLabel(r.metric),
          r.metric,
          r.score,
          r.max_score,
          r.ratio,
          r.numerator,
          r.denominator,
          r.rank,
        ]),
    );
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
