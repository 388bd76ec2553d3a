import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'cli-'));

function config(text: string): string {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
}

describe('chiso766 CLI basics', () => {
  it('--help lists every command of interface.md', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of [
      'migrate',
      'config check',
      'run-once',
      'worker',
      'capture',
      'jobs failed',
      'jobs retry',
      'alerts',
      'silence add',
      'silence list',
      'silence remove',
      'export',
      'report',
      'units',
      'units import-recipients',
      'mail list',
      'mail resend',
      'resync',
      'reingest',
      'backfill',
      'reconcile',
      'demo',
    ]) {
      expect(r.stdout, cmd).toMatch(new RegExp(`^\\s+${cmd.replace(/ /g, '\\s+')}\\b`, 'm'));
    }
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('config check: H99, not-an-email and cron 61 → exit 2 naming all three key paths', async () => {
    const file = config('province: H99\nops:\n  emails: [not-an-email]\nschedule:\n  cron: "61 * * * *"\n');
    const r = await runCli(['config', 'check'], { CHISO766_CONFIG: file });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/province: "H99" is not one of the 34 province codes/);
    expect(r.stderr).toMatch(/ops\.emails\[0\]: "not-an-email" is not an e-mail address/);
    expect(r.stderr).toMatch(/schedule\.cron: "61 \* \* \* \*" is not a valid cron expression/);
  });

  it('config check prints the effective config with secrets masked', async () => {
    const file = config('province: H19\n');
    const r = await runCli(['config', 'check', '--json'], {
      CHISO766_CONFIG: file,
      SMTP_URL: 'smtp://mailer:hunter2hunter2@mail.tinh.gov.vn:587',
      CHISO766_OPS_TOKEN: 'tok-abcdefghijklmnopqrstuvwxyz',
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.provinces).toEqual(['H19']);
    expect(out.env.SMTP_URL).toBe('smtp://mailer:***@mail.tinh.gov.vn:587');
    expect(out.env.CHISO766_OPS_TOKEN).toBe('***');
    expect(r.stdout + r.stderr).not.toContain('hunter2');
    expect(r.stdout + r.stderr).not.toContain('tok-abcdefghijklmnopqrstuvwxyz');
  });

  it('an unknown command or option is bad input (exit 2)', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    expect(
      (await runCli(['capture', '--as-of', 'yesterday'], { CHISO766_CONFIG: config('province: H19\n') })).code,
    ).toBe(2);
  });
});
