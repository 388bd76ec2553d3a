/**
 * Bad input, as users type it: each is refused with exit 2 and one line that names the file, line
 * or key and what is allowed — and nothing is written.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { CAPTURE_16 } from '../helpers/paths.ts';
import { createBench, type Bench } from '../helpers/pipeline.ts';

let bench: Bench;
beforeAll(async () => {
  bench = await createBench({ captures: [CAPTURE_16] });
  // Units in the registry (the checks compare with it).
  expect((await runCli(['run-once', '--as-of', '2026-11-16T04:12:00+07:00'], bench.env)).code).toBe(0);
}, 120_000);
afterAll(async () => bench?.close());

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['cycles', 'captures', 'recipients', 'silences', 'alerts', 'outbox', 'snapshots'] as const) {
    out[t] = Number(
      (
        await bench.database.db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  }
  return out;
}

function expectOneLine(r: CliResult, message: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^chiso766: /);
  expect(lines[0]).toMatch(message);
}

function file(name: string, content: string | Buffer): string {
  const f = path.join(bench.dir, name);
  writeFileSync(f, content);
  return f;
}

const HEADER = 'unit_code,to,cc,from,until\n';

describe('recipient CSV', () => {
  it.each([
    [
      'an unknown unit of the province',
      `${HEADER}H19.999,a@dongnai.gov.vn,,,\n`,
      /line 2: unit_code: unknown unit "H19\.999"/,
    ],
    [
      'a unit of a province not watched',
      `${HEADER}H55.01,a@thainguyen.gov.vn,,,\n`,
      /line 2: unit_code: "H55\.01" is a unit of H55, which this installation does not watch/,
    ],
    [
      'not a province at all',
      `${HEADER}H99.01,a@b.vn,,,\n`,
      /line 2: unit_code: "H99\.01" does not start with one of the 34 province codes/,
    ],
    [
      'a duplicate row',
      `${HEADER}H19.07,a@dongnai.gov.vn,,,\nH19.07,a@dongnai.gov.vn,,,\n`,
      /line 3: repeats line 2 for unit_code H19\.07/,
    ],
    [
      'conflicting rows',
      `${HEADER}H19.07,a@dongnai.gov.vn,,,\nH19.07,b@dongnai.gov.vn,,2026-01-01,\n`,
      /line 3: conflicts with line 2 for unit_code H19\.07/,
    ],
    [
      'an impossible date',
      `${HEADER}H19.07,a@dongnai.gov.vn,,2026-02-30,\n`,
      /line 2: from "2026-02-30" is not a date/,
    ],
    [
      'a Windows-1258 / Latin-1 file',
      Buffer.concat([Buffer.from(`${HEADER}H19.07,v`), Buffer.from([0xf4]), Buffer.from('n@dongnai.gov.vn,,,\n')]),
      /not UTF-8 text \(byte 36 .*CSV UTF-8/,
    ],
  ])('%s', async (_what, content, message) => {
    const before = await counts();
    const r = await runCli(['units', 'import-recipients', file('danh-ba.csv', content)], bench.env);
    expectOneLine(r, message);
    expect(r.stderr).toContain('nothing imported');
    expect(await counts()).toEqual(before);
  });

  it('rows of one unit with separate dates (a staff change) are fine', async () => {
    const r = await runCli(
      [
        'units',
        'import-recipients',
        file(
          'ok.csv',
          `${HEADER}H19.07,a@dongnai.gov.vn,,,2026-06-30\nH19.07,b@dongnai.gov.vn,,2026-07-01,\nH19.1??,xa-{code}@dongnai.gov.vn,,,\n`,
        ),
      ],
      bench.env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect((await counts()).recipients).toBe(3);
    await bench.database.db.deleteFrom('recipients').execute();
  });
});

describe('config file and environment', () => {
  it.each([
    [
      'recipients[].from: 2026-13-45',
      'province: H19\nrecipients:\n  - { unit: H19.07, to: [a@b.vn], from: 2026-13-45 }\n',
      {},
      /recipients\[0\]\.from: "2026-13-45" is not a date/,
    ],
    [
      'a YAML alias bomb',
      `province: H19\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n`,
      {},
      /\(yaml\): .*alias/i,
    ],
    [
      'DVCQG_BASE_URL=ftp://…',
      'province: H19\n',
      { DVCQG_BASE_URL: 'ftp://dichvucong.gov.vn' },
      /DVCQG_BASE_URL: must be an http\(s\) URL/,
    ],
    ['a garbage MAIL_FROM', 'province: H19\n', { MAIL_FROM: 'not an address' }, /MAIL_FROM: must be an e-mail address/],
  ])('%s', async (_what, yaml, env, message) => {
    const before = await counts();
    const f = file('bad.yaml', yaml);
    const r = await runCli(['run-once', '--as-of', '2026-11-23T04:12:00+07:00'], {
      ...bench.env,
      CHISO766_CONFIG: f,
      ...env,
    });
    expectOneLine(r, message);
    expect(await counts()).toEqual(before);
  });
});

describe('command-line arguments', () => {
  it.each([
    [
      'run-once --as-of 2026-02-30…',
      ['run-once', '--as-of', '2026-02-30T04:00:00+07:00'],
      /--as-of "2026-02-30T04:00:00\+07:00" is not a real date and time/,
    ],
    ['resync --week 2026-W60', ['resync', '--week', '2026-W60'], /--week "2026-W60" is not an ISO week/],
    [
      'silence for an unknown province',
      ['silence', 'add', '--unit', 'H99.01', '--until', '2099-01-01', '--reason', 'x'],
      /--unit: "H99\.01" does not start with one of the 34 province codes/,
    ],
    [
      'silence for an unknown unit',
      ['silence', 'add', '--unit', 'H19.999', '--until', '2099-01-01', '--reason', 'x'],
      /--unit: unknown unit "H19\.999"/,
    ],
    [
      'silence until 2027-02-30',
      ['silence', 'add', '--unit', 'H19.07', '--until', '2027-02-30', '--reason', 'x'],
      /--until "2027-02-30" is not a day of the calendar/,
    ],
    ['reingest of a capture that does not exist', ['reingest', '--capture', '999999'], /capture 999999 does not exist/],
    [
      'run-once --wait-minutes 0',
      ['run-once', '--wait-minutes', '0'],
      /--wait-minutes must be a number of minutes above 0/,
    ],
  ])('%s', async (_what, args, message) => {
    const before = await counts();
    const r = await runCli(args, bench.env);
    expectOneLine(r, message);
    expect(await counts()).toEqual(before);
  });
});
