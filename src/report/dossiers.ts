/**
 * The list of dossiers a unit must fix, as the workbook attached to its e-mail and written by
 * `dossiers --format xlsx` (or CSV): one row per dossier and problem, Vietnamese headers, dates as
 * date cells in Vietnam time. Pure: rows in, bytes out.
 */
import { DOSSIER_PROBLEM_LABEL, type DossierFinding } from '../sources/provincial/dossiers.ts';
import { BOM, csvCell } from '../snapshots/csv.ts';
import { addTableSheet, excelLocalDate, newWorkbook } from './sheets.ts';

/** One dossier and one of its problems (as the drill-down found it). */
export type DossierLine = DossierFinding;

/** `ho-so-can-xu-ly-H19.106.xlsx` */
export function dossierFileName(unitCode: string, ext: 'xlsx' | 'csv' = 'xlsx'): string {
  return `ho-so-can-xu-ly-${unitCode}.${ext}`;
}

export async function dossierWorkbook(unitName: string, rows: readonly DossierLine[], tz: string): Promise<Buffer> {
  const wb = await newWorkbook();
  wb.title = `Hồ sơ cần xử lý — ${unitName}`;
  addTableSheet(
    wb,
    'Hồ sơ cần xử lý',
    [
      { header: 'STT', width: 6 },
      { header: 'Mã hồ sơ', width: 24 },
      { header: 'Mã hồ sơ trên Cổng DVCQG', width: 26 },
      { header: 'Mã thủ tục', width: 12 },
      { header: 'Tên thủ tục', width: 60 },
      { header: 'Vấn đề', width: 34 },
      { header: 'Ngày tiếp nhận', width: 17, numFmt: 'dd/mm/yyyy hh:mm' },
      { header: 'Hạn giải quyết', width: 17, numFmt: 'dd/mm/yyyy hh:mm' },
    ],
    rows.map((r, i) => [
      i + 1,
      r.code,
      r.nationCode ?? 'Chưa có',
      r.formalityCode,
      r.formalityName,
      DOSSIER_PROBLEM_LABEL[r.problem],
      r.receivedAt ? excelLocalDate(r.receivedAt, tz) : null,
      r.dueAt ? excelLocalDate(r.dueAt, tz) : null,
    ]),
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The same list as CSV (UTF-8 with a BOM; ISO 8601 times), for scripts. */
export function dossierCsv(rows: readonly DossierLine[]): string {
  const head = ['code', 'nation_code', 'formality_code', 'formality_name', 'problem', 'received_at', 'due_at'];
  const lines = rows.map((r) =>
    [r.code, r.nationCode, r.formalityCode, r.formalityName, r.problem, r.receivedAt, r.dueAt]
      .map((v) => csvCell(v))
      .join(','),
  );
  return BOM + [head.join(','), ...lines].join('\r\n') + '\r\n';
}
