import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.ts';
import type { Config } from '../../src/config/load.ts';
import { buildReport } from '../../src/report/bulletin.ts';
import { buildXlsx } from '../../src/report/xlsx.ts';
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

  it('DOCX: real Word tables and headings with the Vietnamese names', async () => {
    const { content } = await buildReport(t.db, config, { cycle: 'latest', compareTo: 'previous', now: NOW }, 'docx');
    const zip = await JSZip.loadAsync(content as Uint8Array);
    const xml = await zip.file('word/document.xml')!.async('string');
    expect((xml.match(/<w:tbl>/g) ?? []).length).toBe(5);
    expect(xml).toContain('Sở Tư pháp (H19.08)');
    expect(xml).not.toContain('thành phố Đồng Nai (H19.08)');
    expect(xml).toContain('UBND xã Bù Gia Mập (H19.111)');
    expect(xml).toContain('w:val="Heading2"');
    expect(Object.keys(zip.files).some((f) => f.startsWith('word/media/') && f.endsWith('.png'))).toBe(true);
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

  it('XLSX export: one sheet per unit kind, numbers as numbers, frozen header', async () => {
    const snaps = await latestDataSnapshots(t.db, 'dvcqg');
    const rows = await exportRows(t.db, { snapshotIds: snaps.map((s) => s.id) });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await buildXlsx(rows)) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Tỉnh, thành phố', 'Sở, ban, ngành', 'Xã, phường']);
    const dept = wb.getWorksheet('Sở, ban, ngành')!;
    expect(dept.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const found = dept
      .getRows(2, dept.rowCount - 1)!
      .find((r) => r.getCell(2).value === 'H19.08' && r.getCell(5).value === 'TOTAL')!;
    expect(found.getCell(3).value).toBe('Sở Tư pháp - thành phố Đồng Nai');
    expect(found.getCell(6).value).toBe(63.95);
    expect(typeof found.getCell(6).value).toBe('number');
  });
});
