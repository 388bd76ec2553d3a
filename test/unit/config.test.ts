import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfigText } from '../../src/config/load.ts';
import { effectiveConfig } from '../../src/config/mask.ts';

function issues(text: string): { path: string; message: string }[] {
  try {
    parseConfigText(text, 'test.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return [];
}

describe('config file validation', () => {
  it('accepts the documented example with defaults filled in', () => {
    const c = parseConfigText('province: H19\n', 'x.yaml');
    expect(c.province).toBe('H19');
    expect(c.period).toBe('year');
    expect(c.schedule).toEqual({ cron: '0 4 * * 1', timezone: 'Asia/Ho_Chi_Minh' });
    expect(c.rules.floor).toEqual({ metrics: ['TOTAL'], warnRatio: 60, criticalRatio: 50, resolveMargin: 1 });
    expect(c.rules.weeklyDrop.points).toBe(5);
    expect(c.jobs.attempts).toBe(5);
    expect(c.jobs.freshness.deadline).toBe('Tue 04:00');
    expect(c.mail.repeatEveryCycles).toBe(4);
  });

  it.each([
    ['province: H99', 'province', /34 province codes/],
    ['province: H19\nperiod: week', 'period', /year, quarter or month/],
    ['province: H19\nschedule: { cron: "61 * * * *" }', 'schedule.cron', /not a valid cron expression/],
    ['province: H19\nschedule: { timezone: Mars/Olympus }', 'schedule.timezone', /IANA time zone/],
    ['province: H19\nops: { emails: [not-an-email] }', 'ops.emails[0]', /not an e-mail address/],
    ['province: H19\nrecipients: [{ unit: H19.07, to: [bad@] }]', 'recipients[0].to[0]', /not an e-mail address/],
    ['province: H19\nrules: { floor: { warnRatio: 140 } }', 'rules.floor.warnRatio', /between 0 and 100/],
    ['province: H19\nrules: { weeklyDrop: { points: -1 } }', 'rules.weeklyDrop.points', /more than 0/],
    ['province: H19\nrules: { floor: { metrics: [NOPE] } }', 'rules.floor.metrics[0]', /not a metric code/],
    ['province: H19\nrules: { rankDrop: { scope: world } }', 'rules.rankDrop.scope', /province/],
    ['province: H19\njobs: { attempts: 0 }', 'jobs.attempts', /1 or more/],
    ['province: H19\njobs: { freshness: { deadline: "someday" } }', 'jobs.freshness.deadline', /weekly time/],
    ['province: H19\nprovnce: H19', '(top level)', /unknown key "provnce"/],
    [
      'province: H19\nrules: { floor: { warnRatio: 40, criticalRatio: 50 } }',
      'rules.floor.criticalRatio',
      /not be above warnRatio/,
    ],
  ])('%s → %s', (text, keyPath, message) => {
    const found = issues(text);
    expect(found.map((i) => i.path)).toContain(keyPath);
    expect(found.find((i) => i.path === keyPath)!.message).toMatch(message);
  });

  it('reports every problem of a file at once, with key paths', () => {
    const found = issues('province: H99\nops:\n  emails: [not-an-email]\nschedule:\n  cron: "61 * * * *"\n');
    expect(found.map((i) => i.path).sort()).toEqual(['ops.emails[0]', 'province', 'schedule.cron']);
  });

  it('accepts {code} placeholders, globs, a list of provinces and "all"', () => {
    expect(issues('province: [H19, H01]\nrecipients: [{ unit: "H19.1*", to: ["xa-{code}@tinh.gov.vn"] }]')).toEqual([]);
    expect(issues('province: all')).toEqual([]);
  });

  it('rejects broken YAML with a line number', () => {
    const found = issues('province: H19\n  bad: [\n');
    expect(found[0]!.path).toMatch(/^line \d+/);
  });
});

describe('loadConfig with the environment', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
  const file = path.join(dir, 'chiso766.yaml');
  writeFileSync(file, 'province: all\n');

  it('reads the file named by CHISO766_CONFIG and the variables of interface.md', () => {
    const c = loadConfig({
      CHISO766_CONFIG: file,
      CHISO766_DATA_DIR: dir,
      SMTP_URL: 'smtp://u:secretpw@mail.example:587',
      CHISO766_OPS_TOKEN: 'x'.repeat(24),
      CHISO766_HTTP_DELAY_MS: '250',
    });
    expect(c.file).toBe(file);
    expect(c.provinces).toHaveLength(34);
    expect(c.nationalMode).toBe(true);
    expect(c.env.httpDelayMs).toBe(250);
    expect(c.env.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.env.databaseUrl).toBeNull();
    const shown = JSON.stringify(effectiveConfig(c));
    expect(shown).not.toContain('secretpw');
    expect(shown).not.toContain('x'.repeat(24));
    expect(shown).toContain('smtp://u:***@mail.example:587');
  });

  it('rejects bad variables and names them', () => {
    expect(() =>
      loadConfig({ CHISO766_CONFIG: file, CHISO766_HTTP_DELAY_MS: 'soon', DATABASE_URL: 'mysql://x' }),
    ).toThrow(/CHISO766_HTTP_DELAY_MS[\s\S]*DATABASE_URL|DATABASE_URL[\s\S]*CHISO766_HTTP_DELAY_MS/);
  });

  it('names a missing file', () => {
    expect(() => loadConfig({ CHISO766_CONFIG: path.join(dir, 'nope.yaml') })).toThrow(
      /nope\.yaml[\s\S]*file not found/,
    );
  });
});

describe('chiso766.example.yaml', () => {
  it('is valid as committed', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL('../../chiso766.example.yaml', import.meta.url), 'utf8');
    const c = parseConfigText(text, 'chiso766.example.yaml');
    expect(c.province).toBe('H19');
    expect(c.recipients).toHaveLength(2);
  });
});
