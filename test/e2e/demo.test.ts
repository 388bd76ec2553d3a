/** `npm run demo`: the whole product offline; twice in a row gives the same result. */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { spawnSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

/** English words and internal codes that must never reach a Vietnamese reader. */
const INTERNAL_TOKENS =
  /\b(running|complete|failed|stale|coverage|reconciliation|source|PROV_[A-Z_]+|TOTAL|CKMB|TDGQ|CLGQ|TTTT|MDHL|MDSH|floor|weeklyDrop|consecutiveDeclines|rankDrop|critical|warn|digest|cycle|recipient|capture|endpoint|chiso766)\b/i;

const soffice = ['libreoffice', 'soffice'].find((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);

describe('chiso766 demo', () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'demo-')), 'demo-data');

  it('runs three weekly cycles offline, writes e-mails and the bulletin in three formats, and again with the same alerts', async () => {
    const first = await runCli(
      ['demo', '--dir', dir],
      { CHISO766_CONFIG: '', DATABASE_URL: '' },
      { timeoutMs: 120_000 },
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Week 2026-W47 .*fetched 11 portal answers/);
    const emls = readdirSync(path.join(dir, 'outbox')).filter((f) => f.endsWith('.eml'));
    expect(emls.length).toBeGreaterThanOrEqual(5);
    expect(emls.filter((f) => f.includes('-digest-')).length).toBeGreaterThanOrEqual(4);
    for (const f of emls) {
      const mail = await simpleParser(readFileSync(path.join(dir, 'outbox', f)));
      expect(mail.subject).toMatch(/^\[Chỉ số 766\] .+ \(tuần \d+\/2026\)$/);
      const all = `${mail.subject}\n${mail.text}\n${String(mail.html).replace(/<[^>]+>/g, ' ')}`;
      // Nothing a Vietnamese reader gets shows an English word or an internal code.
      expect(all, f).not.toMatch(INTERNAL_TOKENS);
      if (!f.includes('-digest-')) continue;
      const text = mail.text!;
      expect(text.split('\n')[0], f).toMatch(/^Kính gửi: .+\.$/);
      expect(text, f).toContain('Văn phòng UBND tỉnh Đồng Nai thông báo kết quả Bộ chỉ số 766');
      expect(text, f).toContain('Cổng Dịch vụ công quốc gia');
      expect(text, f).toContain('Đầu mối liên hệ về số liệu: Phòng Kiểm soát thủ tục hành chính');
      expect(text, f).toMatch(/Tổng điểm \| \d+,\d\d\/100/);
      // A discrepancy names both figures.
      if (/Cổng tỉnh [\d.,]+%?.*Cổng quốc gia/.test(mail.subject!))
        expect(text).toMatch(
          /Cổng tỉnh [\d.,]+(%| hồ sơ) \(thu thập lúc [\d/: ]+\), Cổng quốc gia [\d.,]+(%| hồ sơ) \(thu thập lúc/,
        );
    }
    // The drill-down: the units that fell, their first procedure, their dossiers attached.
    expect(first.stdout).toMatch(/Drill-down — which procedures and dossiers/);
    expect(first.stdout).toMatch(
      /H19\.106: \d+ procedure\(s\), first 1\.001022 "Đăng ký khai tử" \(646 hồ sơ chưa giải quyết đúng hạn\); dossiers 5 overdue, 3 unsynced, 2 unpaid/,
    );
    const withList = [];
    for (const f of emls) {
      const mail = await simpleParser(readFileSync(path.join(dir, 'outbox', f)));
      if (mail.attachments.some((a) => a.filename === 'ho-so-can-xu-ly-H19.106.xlsx')) withList.push(mail.subject);
    }
    expect(withList).toEqual([expect.stringContaining('UBND xã Lộc Ninh')]);
    for (const ext of ['md', 'html', 'docx', 'xlsx'])
      expect(existsSync(path.join(dir, 'bulletin', `thong-bao-766.${ext}`))).toBe(true);
    expect(readFileSync(path.join(dir, 'bulletin', 'thong-bao-766.md'), 'utf8')).toContain('UBND xã Bù Gia Mập');
    // Section II's draft names the procedure that cost each drilled unit the most.
    expect(readFileSync(path.join(dir, 'bulletin', 'thong-bao-766.md'), 'utf8')).toContain(
      'UBND xã Lộc Ninh — thủ tục 1.001022 (646 hồ sơ chưa giải quyết đúng hạn)',
    );

    const second = await runCli(
      ['demo', '--dir', dir],
      { CHISO766_CONFIG: '', DATABASE_URL: '' },
      { timeoutMs: 120_000 },
    );
    expect(second.code, second.stderr).toBe(0);
    const alerts = (s: string) => s.slice(s.indexOf('Open alerts now'), s.indexOf('E-mails written'));
    expect(alerts(second.stdout)).toBe(alerts(first.stdout));
    expect(alerts(first.stdout)).toContain('Open alerts now (11)');
    expect(readFileSync(path.join(dir, 'bulletin', 'thong-bao-766.md'), 'utf8')).toMatch(
      /\| 1 \| Sở Tư pháp \| 99,9\d% \| [\d,]+% \| \+[\d,]+ \|/,
    );
  });

  it('its folder reads without a config: report as workbook and chat brief, export with a BOM', async () => {
    const env = { CHISO766_CONFIG: '', DATABASE_URL: '', CHISO766_DATA_DIR: dir };
    const out = mkdtempSync(path.join(tmpdir(), 'demo-out-'));
    const xlsx = path.join(out, 'thong-bao.xlsx');
    const r = await runCli(['report', '--format', 'xlsx', '--out', xlsx], env);
    expect(r.code, r.stderr).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Chỉ số',
      'Sở, ban, ngành',
      'Xã, phường',
      'Cổng tỉnh - quốc gia',
      'Thông tin',
    ]);
    expect(wb.getWorksheet('Cổng tỉnh - quốc gia')!.rowCount).toBeGreaterThan(1);
    const text = await runCli(['report', '--format', 'text'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.length).toBeLessThanOrEqual(1500);
    expect(text.stdout).toMatch(
      /^BỘ CHỈ SỐ 766 — tỉnh Đồng Nai, năm 2026 \(số liệu ngày 30\/11\/2026 so với 23\/11\/2026\)\n/,
    );
    const csv = await runCli(['export', '--format', 'csv'], env);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.charCodeAt(0)).toBe(0xfeff);
    const vi = await runCli(['export', '--format', 'csv', '--excel-vi'], env);
    expect(vi.stdout.split('\r\n')[0]).toBe(
      '\uFEFFcaptured_at;unit_code;unit_name;unit_kind;metric;score;max_score;ratio;numerator;denominator;rank',
    );
    expect(vi.stdout).toMatch(/;H19\.08;[^;]+;department;TOTAL;\d+,\d+;100;/);
    for (const cmd of [['alerts'], ['reconcile']]) {
      const x = await runCli(cmd, env);
      expect(x.code, `${cmd.join(' ')}: ${x.stderr}`).toBe(0);
    }
    expect((await runCli(['reconcile'], env)).stdout).toMatch(/Tỷ lệ số hóa hồ sơ .* outside/);
  });

  it.skipIf(!soffice)('its notice, rendered to PDF by LibreOffice, runs to 4–8 pages', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'demo-pdf-'));
    const conv = spawnSync(
      soffice!,
      ['--headless', '--convert-to', 'pdf', '--outdir', out, path.join(dir, 'bulletin', 'thong-bao-766.docx')],
      { encoding: 'utf8', timeout: 120_000, env: { ...process.env, HOME: out } },
    );
    expect(conv.status, conv.stderr).toBe(0);
    const pdf = readFileSync(path.join(out, 'thong-bao-766.pdf'), 'latin1');
    const pages = Number(pdf.match(/\/Type\s*\/Pages[^>]*\/Count (\d+)/)?.[1] ?? 0);
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(pages).toBeLessThanOrEqual(8);
  });

  it('refuses to reset a folder that is not its own', async () => {
    const other = mkdtempSync(path.join(tmpdir(), 'not-demo-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(other, 'important.txt'), 'keep me');
    const r = await runCli(['demo', '--dir', other], { CHISO766_CONFIG: '' });
    expect(r.code).toBe(2);
    expect(existsSync(path.join(other, 'important.txt'))).toBe(true);
  });
});
