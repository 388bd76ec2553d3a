/** `npm run demo`: the whole product offline; twice in a row gives the same result. */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

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
      if (f.includes('-digest-')) expect(mail.text).toContain('Cổng Dịch vụ công quốc gia');
    }
    for (const ext of ['md', 'html', 'docx'])
      expect(existsSync(path.join(dir, 'bulletin', `thong-bao-766.${ext}`))).toBe(true);
    expect(readFileSync(path.join(dir, 'bulletin', 'thong-bao-766.md'), 'utf8')).toContain('UBND xã Bù Gia Mập');

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
      /Tỷ lệ số hóa hồ sơ(\*\*)? \| 99,9\d \| [\d,]+ \| \+[\d,]+ \| vượt ngưỡng/,
    );
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
