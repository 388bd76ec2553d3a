/**
 * The notice as a workbook office staff paste from (`report --format xlsx`, `export --layout
 * notice`): one sheet per table of the notice — indicators, sở, ban, ngành, xã, phường, Cổng tỉnh vs
 * Cổng quốc gia — units as rows, the compared dates as columns plus the change; Vietnamese names
 * only, numbers as numbers, dates as date cells in Vietnam time, autofilter, frozen header, A4
 * landscape fitted to the page width. Pure: a model in, a workbook out.
 */
import type ExcelJS from 'exceljs';
import { localParts } from '../domain/periods.ts';
import { viDate } from '../domain/format.ts';
import type { BulletinModel, UnitRankRow, ValueRow } from './model.ts';

export const NOTICE_SHEETS = ['Chỉ số', 'Sở, ban, ngành', 'Xã, phường', 'Cổng tỉnh - quốc gia', 'Thông tin'] as const;

const SCORE = '0.00';
const WHEN = 'dd/mm/yyyy hh:mm';

/**
 * An instant as the date cell Excel shows in Vietnam time: Excel dates carry no zone, so the cell
 * holds the wall-clock time of `tz`.
 */
export function excelLocalDate(instant: Date, tz: string): Date {
  const p = localParts(instant, tz);
  return new Date(Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second));
}

/** exceljs is loaded on first use: most commands never write a workbook. */
export async function newWorkbook(): Promise<ExcelJS.Workbook> {
  const { default: Excel } = await import('exceljs');
  return new Excel.Workbook();
}

interface Column {
  header: string;
  width: number;
  numFmt?: string;
}

/** A sheet with a bold, wrapped, frozen header row, an autofilter and the print setup. */
export function addTableSheet(
  wb: ExcelJS.Workbook,
  name: string,
  columns: readonly Column[],
  rows: readonly (string | number | Date | null)[][],
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:1',
      margins: { left: 0.5, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
  });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  const head = ws.getRow(1);
  head.font = { name: 'Times New Roman', bold: true, size: 12 };
  head.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  head.height = 34;
  for (const r of rows) ws.addRow(r.map((v) => v ?? null));
  const thin = { style: 'thin' as const };
  ws.eachRow((row, i) => {
    if (i > 1) row.font = { name: 'Times New Roman', size: 12 };
    for (let c = 1; c <= columns.length; c++)
      row.getCell(c).border = { top: thin, left: thin, bottom: thin, right: thin };
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, rows.length + 1), column: columns.length } };
  return ws;
}

function indicatorRows(m: BulletinModel): (string | number | null)[][] {
  const rows: (string | number | null)[][] = [];
  const push = (section: string, list: readonly ValueRow[]) =>
    list.forEach((r, i) => rows.push([i + 1, section, r.label, r.max, r.baseline, r.previous, r.current, r.change]));
  push('Chỉ số chỉ đạo, điều hành (%)', m.directive);
  push('Điểm theo nhóm chỉ số', m.groups);
  return rows;
}

function unitRows(list: readonly UnitRankRow[]): (string | number | null)[][] {
  return list.map((r) => [
    r.rank,
    r.name,
    r.code,
    r.previous,
    r.current,
    r.change,
    r.previousRank,
    [r.status, r.lowest ? 'thấp nhất' : null, r.biggestFaller ? 'giảm nhiều nhất' : null].filter(Boolean).join('; ') ||
      null,
  ]);
}

export async function buildNoticeWorkbook(m: BulletinModel): Promise<Buffer> {
  const wb = await newWorkbook();
  wb.creator = m.frame.officeName;
  wb.created = m.generatedAt;
  const cur = viDate(m.currentAt, m.timezone);
  const prev = m.previousAt ? viDate(m.previousAt, m.timezone) : 'lần trước';
  addTableSheet(
    wb,
    NOTICE_SHEETS[0],
    [
      { header: 'TT', width: 6 },
      { header: 'Nhóm', width: 26 },
      { header: 'Chỉ số', width: 44 },
      { header: 'Điểm tối đa', width: 10, numFmt: '0.##' },
      { header: `Năm ${m.baselineYear}`, width: 12, numFmt: SCORE },
      { header: `Ngày ${prev}`, width: 14, numFmt: SCORE },
      { header: `Ngày ${cur}`, width: 14, numFmt: SCORE },
      { header: 'Tăng, giảm', width: 12, numFmt: `+${SCORE};-${SCORE};0.00` },
    ],
    indicatorRows(m),
  );
  const unitColumns = (what: string): Column[] => [
    { header: 'Xếp hạng', width: 9 },
    { header: what, width: 46 },
    { header: 'Mã đơn vị', width: 12 },
    { header: `Điểm ngày ${prev}`, width: 14, numFmt: SCORE },
    { header: `Điểm ngày ${cur}`, width: 14, numFmt: SCORE },
    { header: 'Tăng, giảm', width: 12, numFmt: `+${SCORE};-${SCORE};0.00` },
    { header: 'Xếp hạng lần trước', width: 11 },
    { header: 'Ghi chú', width: 30 },
  ];
  addTableSheet(wb, NOTICE_SHEETS[1], unitColumns('Sở, ban, ngành'), unitRows(m.departments));
  addTableSheet(wb, NOTICE_SHEETS[2], unitColumns('Xã, phường, đặc khu'), unitRows(m.communes));
  const r = m.reconciliation;
  const provAt = r?.provincialCapturedAt ? excelLocalDate(r.provincialCapturedAt, m.timezone) : null;
  const natAt = excelLocalDate(m.currentAt, m.timezone);
  addTableSheet(
    wb,
    NOTICE_SHEETS[3],
    [
      { header: 'Nội dung', width: 30 },
      { header: 'Đơn vị', width: 40 },
      { header: 'Mã đơn vị', width: 12 },
      { header: 'Cổng DVC tỉnh', width: 14, numFmt: '#,##0.00' },
      { header: 'Cổng DVCQG', width: 14, numFmt: '#,##0.00' },
      { header: 'Chênh lệch', width: 12, numFmt: '+#,##0.00;-#,##0.00;0' },
      { header: 'Đơn vị tính', width: 10 },
      { header: 'Vượt ngưỡng', width: 10 },
      { header: 'Thu thập Cổng tỉnh', width: 17, numFmt: WHEN },
      { header: 'Thu thập Cổng quốc gia', width: 17, numFmt: WHEN },
    ],
    (r?.rows ?? []).map((x) => [
      x.label,
      x.unitName,
      x.unitCode,
      x.provincial,
      x.national,
      x.gap,
      x.unit,
      x.outside ? 'Có' : 'Không',
      provAt,
      natAt,
    ]),
  );
  const info = addTableSheet(
    wb,
    NOTICE_SHEETS[4],
    [
      { header: 'Nội dung', width: 34 },
      { header: 'Giá trị', width: 60 },
    ],
    [
      ['Đơn vị', m.provinceTitle],
      ['Kỳ đánh giá', m.periodLabel],
      ['Số liệu Cổng Dịch vụ công quốc gia thu thập lúc', excelLocalDate(m.currentAt, m.timezone)],
      ['So sánh với lần thu thập lúc', m.previousAt ? excelLocalDate(m.previousAt, m.timezone) : null],
      ['Cổng dịch vụ công tỉnh thu thập lúc', provAt],
      ['Ngưỡng chênh lệch giữa hai cổng (điểm %)', r?.configured ? r.tolerancePoints : null],
      ['Thời gian', 'Giờ Việt Nam'],
    ],
  );
  info.getColumn(2).alignment = { horizontal: 'left' };
  for (const row of [4, 5, 6]) info.getCell(row, 2).numFmt = WHEN;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
