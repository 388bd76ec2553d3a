import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.ts';
import type { Config } from '../../src/config/load.ts';
import { buildReport } from '../../src/report/bulletin.ts';
import { buildLongWorkbook } from '../../src/report/xlsx.ts';
import { exportRows, latestDataSnapshots } from '../../src/snapshots/export.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { CAPTURE_16, CAPTURE_23, FIXTURES } from '../helpers/paths.ts';
import { seedCycle } from '../helpers/seed.ts';

const GOLDEN = path.join(FIXTURES, 'golden/bulletin-2026-11-23.md');
const NOW = new Date('2026-11-23T08:00:00+07:00');

let t: TestDatabase;
let config: Config;
beforeAll(async () => {
  t = await freshDatabase();
  const file = parseConfigText('province: H19\nrules: { floor: { warnRatio: 0, criticalRatio: 50 } }\n', 'test.yaml');
  const { province, ...rest } = file;
  config = {
    ...rest,
    file: null,
    provinces: [province as string],
    nationalMode: false,
    env: {
      dataDir: '/tmp',
      databaseUrl: null,
      redisUrl: '',
      smtpUrl: null,
      mailFrom: 'x',
      dvcqgBaseUrl: 'https://dichvucong.gov.vn',
      httpDelayMs: 0,
      opsToken: null,
      port: 0,
      logLevel: 'silent',
      provincialClientId: null,
      provincialClientSecret: null,
      provincialUsername: null,
      provincialPassword: null,
      queuePrefix: 'chiso766',
      jobLockMs: 30000,
      shutdownGraceMs: 60000,
    },
  };
  await seedCycle(t.db, config, CAPTURE_16, new Date('2026-11-16T04:12:00+07:00'));
  await seedCycle(t.db, config, CAPTURE_23, new Date('2026-11-23T04:12:00+07:00'));
});
afterAll(async () => t.close());

describe('weekly bulletin from the two fixture captures', () => {
  it('Markdown matches the golden file exactly', async () => {
    const { content } = await buildReport(t.db, config, { cycle: 'latest', compareTo: 'previous', now: NOW }, 'md');
    if (process.env.UPDATE_GOLDEN || !existsSync(GOLDEN)) writeFileSync(GOLDEN, content);
    expect(content).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('the rank, the group table and the unit tables agree with the stored snapshots to 2 decimals', async () => {
    const { model, content } = await buildReport(
      t.db,
      config,
      { cycle: 'latest', compareTo: 'previous', now: NOW },
      'md',
    );
    expect(model.rank).toMatchObject({ current: 2, previous: 2, change: 0 });
    expect(model.groups[0]).toMatchObject({ code: 'TOTAL', previous: 67.67, current: 67.39, change: -0.28 });
    expect(model.groups.find((g) => g.code === 'CKMB')).toMatchObject({ previous: 14.37, current: 14.35 });
    expect(content).toContain('| 1 | Tổng điểm | 100 | — | 67,67 | 67,39 | -0,28 |');
    // Departments sorted by TOTAL, with their change; the biggest fallers marked.
    expect(model.departments.map((d) => d.code)).toEqual([
      'H19.15',
      'H19.10',
      'H19.07',
      'H19.01',
      'H19.03',
      'H19.08',
      'H19.05',
      'H19.12',
    ]);
    expect(model.departments.find((d) => d.code === 'H19.08')).toMatchObject({
      previous: 69.7,
      current: 63.95,
      change: -5.75,
      biggestFaller: true,
    });
    expect(model.communes[0]!.code).toBe('H19.101');
    expect(model.communes.at(-1)!.code).toBe('H19.112');
    // Risers / fallers agree with the table.
    expect(model.lists.fell.map((d) => d.code)).toEqual([
      'ONLINE_PAYMENT_DOSSIER',
      'DOSSIER_SYNC',
      'PETITION_PROCESSING_ON_TIME',
      'ON_TIME',
    ]);
    expect(model.lists.fell.every((d) => d.change! < 0)).toBe(true);
    expect(model.lists.rose).toHaveLength(4);
    expect(model.lists.rose.every((d) => d.change! > 0)).toBe(true);
    const lines = String(content).split('\n');
    expect(lines).toContain(
      '- Có 04 chỉ số giảm gồm: Tỷ lệ thanh toán trực tuyến (hồ sơ có nghĩa vụ tài chính) (-0,23); Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG (-0,26); Tỷ lệ PAKN xử lý đúng hạn (-1,73); Tỷ lệ hồ sơ giải quyết đúng hạn (-0,65).',
    );
    expect(lines.find((l) => l.includes('chỉ số tăng gồm'))).toMatch(
      /^- Có 04 chỉ số tăng gồm: [^;]+; [^;]+; [^;]+; [^;]+\.$/,
    );
  });

  it('DOCX: a Thông báo in the form of Nghị định 30/2020/NĐ-CP', async () => {
    const { content } = await buildReport(t.db, config, { cycle: 'latest', compareTo: 'previous', now: NOW }, 'docx');
    const zip = await JSZip.loadAsync(content as Uint8Array);
    const xml = await zip.file('word/document.xml')!.async('string');
    const styles = await zip.file('word/styles.xml')!.async('string');
    const text = xml.replace(/<[^>]+>/g, '');
    // Frame: quốc hiệu, tiêu ngữ, issuing body and office, số ký hiệu, place and date, title.
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(text).toContain('UBND TỈNH ĐỒNG NAI');
    expect(text).toMatch(/Số:\s+\/TB-VP/);
    expect(text).toMatch(/Đồng Nai, ngày\s+tháng\s+năm 2026/);
    expect(text).toContain('THÔNG BÁO');
    // Sections in order, then the closing, Nơi nhận and the signer's title from the config.
    const order = [
      'Căn cứ Quyết định số 766/QĐ-TTg',
      'I. KẾT QUẢ TRIỂN KHAI',
      '2. Kết quả Bộ chỉ số 766 tại các sở, ban, ngành',
      '3. Kết quả Bộ chỉ số 766 tại các xã, phường',
      '4. Về đồng bộ dữ liệu',
      'II. NGUYÊN NHÂN, TỒN TẠI HẠN CHẾ',
      'III. KIẾN NGHỊ GIẢI PHÁP',
      'Trên đây là nội dung Thông báo',
      'Nơi nhận:',
      'KT. CHÁNH VĂN PHÒNG',
      'PHÓ CHÁNH VĂN PHÒNG',
      'PHỤ LỤC',
    ].map((s) => text.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    // Times New Roman everywhere, no other font named.
    const fonts = new Set([...(styles + xml).matchAll(/w:ascii="([^"]+)"/g)].map((m) => m[1]));
    expect([...fonts]).toEqual(['Times New Roman']);
    // A4, margins within ND 30: top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm (1 mm = 56,7 twips).
    const mar = xml.match(/<w:pgMar ([^>]*)\/>/)![1]!;
    const twips = (k: string) => Number(mar.match(new RegExp(`w:${k}="(\\d+)"`))![1]) / 56.7;
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    for (const [k, lo, hi] of [
      ['top', 20, 25],
      ['bottom', 20, 25],
      ['left', 30, 35],
      ['right', 15, 20],
    ] as const) {
      expect(twips(k)).toBeGreaterThanOrEqual(lo - 0.1);
      expect(twips(k)).toBeLessThanOrEqual(hi + 0.1);
    }
    // Page numbers from page 2, centred at the top: a different first page, a PAGE field in the header.
    expect(xml).toContain('<w:titlePg/>');
    const headers = await Promise.all(
      Object.keys(zip.files)
        .filter((f) => /^word\/header\d+\.xml$/.test(f))
        .map((f) => zip.file(f)!.async('string')),
    );
    expect(headers.some((h) => /instrText[^>]*>\s*PAGE\s*</.test(h) && h.includes('w:val="center"'))).toBe(true);
    // Tables: header rows repeated on each page, rows never split; ≥ 12 pt (24 half-points) table text.
    const tables = xml.match(/<w:tbl>.*?<\/w:tbl>/g) ?? [];
    const dataTables = tables.filter((tb) => tb.includes('<w:tblHeader/>'));
    expect(dataTables.length).toBeGreaterThanOrEqual(5);
    for (const tb of dataTables) {
      const rows = tb.match(/<w:tr>.*?<\/w:tr>/g) ?? [];
      expect(rows.every((r) => r.includes('<w:cantSplit/>'))).toBe(true);
      const sizes = [...tb.matchAll(/<w:sz w:val="(\d+)"\/>/g)].map((m) => Number(m[1]));
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(24);
    }
    expect(text).toContain('Sở Tư pháp');
    expect(text).not.toContain('thành phố Đồng Nai (H19.08)');
    expect(Object.keys(zip.files).some((f) => f.startsWith('word/media/') && f.endsWith('.png'))).toBe(true);
    // No metric codes, rule names or states in what the office signs.
    expect(text).not.toMatch(/\b(TOTAL|CKMB|TDGQ|CLGQ|TTTT|MDHL|MDSH|floor|weeklyDrop|reconciliation|critical|warn)\b/);
  });

  it('HTML: standalone, printable, the chart as SVG', async () => {
    const { content } = await buildReport(t.db, config, { cycle: 'latest', compareTo: 'previous', now: NOW }, 'html');
    expect(content).toMatch(/^<!DOCTYPE html><html lang="vi">/);
    expect(content).toContain('@page{size:A4');
    expect(content).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
  });

  it('the same inputs give the same bytes (Markdown and HTML)', async () => {
    const a = await buildReport(t.db, config, { cycle: 'latest', compareTo: 'previous', now: NOW }, 'html');
    const b = await buildReport(t.db, config, { cycle: 'latest', compareTo: 'previous', now: NOW }, 'html');
    expect(a.content).toBe(b.content);
  });

  it('XLSX long layout: one sheet per unit kind, Vietnamese names, date cells, autofilter, landscape', async () => {
    const snaps = await latestDataSnapshots(t.db, 'dvcqg');
    const rows = await exportRows(t.db, { snapshotIds: snaps.map((s) => s.id) });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await buildLongWorkbook(rows, 'Asia/Ho_Chi_Minh')) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Tỉnh, thành phố', 'Sở, ban, ngành', 'Xã, phường, đặc khu']);
    const dept = wb.getWorksheet('Sở, ban, ngành')!;
    expect(dept.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(dept.autoFilter).toBeTruthy();
    expect(dept.pageSetup).toMatchObject({ orientation: 'landscape', fitToWidth: 1, paperSize: 9 });
    const found = dept
      .getRows(2, dept.rowCount - 1)!
      .find((r) => r.getCell(2).value === 'H19.08' && r.getCell(6).value === 'TOTAL')!;
    expect(found.getCell(3).value).toBe('Sở Tư pháp - thành phố Đồng Nai');
    expect(found.getCell(4).value).toBe('Sở, ban, ngành');
    expect(found.getCell(5).value).toBe('Tổng điểm');
    expect(found.getCell(7).value).toBe(63.95);
    // 04:12 in Vietnam, as the date cell Excel shows.
    const at = found.getCell(1).value as Date;
    expect(at).toBeInstanceOf(Date);
    expect(at.toISOString()).toBe('2026-11-23T04:12:00.000Z');
  });

  it('XLSX notice layout: the notice tables, dates as columns, the change, print setup', async () => {
    const { content } = await buildReport(t.db, config, { cycle: 'latest', compareTo: 'previous', now: NOW }, 'xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(content as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Chỉ số',
      'Sở, ban, ngành',
      'Xã, phường',
      'Cổng tỉnh - quốc gia',
      'Thông tin',
    ]);
    const dept = wb.getWorksheet('Sở, ban, ngành')!;
    const header = (dept.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual([
      'Xếp hạng',
      'Sở, ban, ngành',
      'Mã đơn vị',
      'Điểm ngày 16/11/2026',
      'Điểm ngày 23/11/2026',
      'Tăng, giảm',
      'Xếp hạng lần trước',
      'Ghi chú',
    ]);
    const stp = dept.getRows(2, dept.rowCount - 1)!.find((r) => r.getCell(3).value === 'H19.08')!;
    expect([stp.getCell(4).value, stp.getCell(5).value, stp.getCell(6).value]).toEqual([69.7, 63.95, -5.75]);
    expect(stp.getCell(8).value).toBe('giảm nhiều nhất');
    expect(dept.autoFilter).toBeTruthy();
    expect(dept.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(dept.pageSetup).toMatchObject({ orientation: 'landscape', fitToWidth: 1, fitToHeight: 0 });
    const ind = wb.getWorksheet('Chỉ số')!;
    const total = ind.getRows(2, ind.rowCount - 1)!.find((r) => r.getCell(3).value === 'Tổng điểm')!;
    expect([total.getCell(6).value, total.getCell(7).value, total.getCell(8).value]).toEqual([67.67, 67.39, -0.28]);
    const info = wb.getWorksheet('Thông tin')!;
    expect(info.getCell(4, 2).value).toBeInstanceOf(Date);
    expect((info.getCell(4, 2).value as Date).toISOString()).toBe('2026-11-23T04:12:00.000Z');
    const everything = wb.worksheets
      .flatMap((w) => w.getSheetValues().flat())
      .filter((v) => typeof v === 'string')
      .join('\n');
    expect(everything).not.toMatch(/\b(TOTAL|CKMB|TDGQ|department|commune|province)\b/);
  });

  it('text brief: under 1 500 characters, rank and change, what fell most', async () => {
    const { content } = await buildReport(t.db, config, { cycle: 'latest', compareTo: 'previous', now: NOW }, 'text');
    const text = String(content);
    expect(text.length).toBeLessThanOrEqual(1500);
    expect(text.split('\n')[0]).toBe(
      'BỘ CHỈ SỐ 766 — tỉnh Đồng Nai, năm 2026 (số liệu ngày 23/11/2026 so với 16/11/2026)',
    );
    expect(text).toContain('Tổng điểm 67,39/100 (-0,28); xếp hạng 2/34 tỉnh, thành phố, giữ nguyên thứ hạng.');
    expect(text).toMatch(/Sở, ban, ngành giảm nhiều nhất: Sở Tư pháp -5,75/);
  });
});
