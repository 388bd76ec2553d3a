/**
 * Real portal data, as a new user meets it: a month where most units had no dossier at all
 * (test/fixtures/real-shaped/H44-month-2026-10, built on the real Phú Thọ bodies), and the README's
 * "try the portal" sequence (`capture`, then `run-once` the same week).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { CAPTURE_23, FIXTURES } from '../helpers/paths.ts';
import { createBench, type Bench } from '../helpers/pipeline.ts';

const MONTH = path.join(FIXTURES, 'real-shaped/H44-month-2026-10');
const YAML = `province: H44
period: month
ops: { emails: [ops@phutho.gov.vn] }
recipients:
  - unit: "H44.*"
    to: ["donvi-{code}@phutho.gov.vn"]
jobs: { attempts: 2, backoffMs: 50 }
`;

describe('a month where 126 of 163 units had no dossier (real-shaped Phú Thọ)', () => {
  let bench: Bench;
  let summary: { state: string; observations: number };
  beforeAll(async () => {
    bench = await createBench({ captures: [MONTH], yaml: YAML });
    const r = await runCli(['run-once', '--as-of', '2026-11-02T04:00:00+07:00', '--json'], bench.env, {
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    summary = JSON.parse(r.stdout);
  }, 180_000);
  afterAll(async () => bench?.close());

  it('the cycle completes on the month 2026-10', () => {
    expect(summary).toMatchObject({ state: 'complete', period: 'month-2026-10', week: '2026-W45' });
    expect(summary.observations).toBeGreaterThan(163 * 7);
  });

  it('opens the alerts of the units that truly scored low — and none for units explained by no activity', async () => {
    const alerts = await bench.database.db
      .selectFrom('alerts')
      .select(['rule', 'unit_code', 'metric', 'severity'])
      .where('kind', '=', 'indicator')
      .where('state', '=', 'open')
      .orderBy('unit_code')
      .execute();
    expect(alerts.map((a) => `${a.rule} ${a.unit_code} ${a.metric} ${a.severity}`)).toEqual([
      'floor H44.100 TOTAL critical',
      'floor H44.19 TOTAL warn',
      'floor H44.44 TOTAL critical',
    ]);
    // H44.01 scored 55,00 only because it had no fee dossier (TTTT "không phát sinh"): 61,1 % of its active groups.
    const snap = await bench.database.db
      .selectFrom('snapshots')
      .select('meta')
      .where('scope', '=', 'H44')
      .executeTakeFirstOrThrow();
    expect((snap.meta as { noActivityUnits: string[] }).noActivityUnits).toHaveLength(126);
  });

  it('e-mails go only to those units (and one to ops), none to the 126 without dossiers', async () => {
    const outbox = await bench.database.db
      .selectFrom('outbox')
      .select(['kind', 'unit_codes', 'to_addresses', 'text'])
      .orderBy('id')
      .execute();
    const digests = outbox.filter((o) => o.kind === 'digest');
    expect(digests.flatMap((o) => o.unit_codes).sort()).toEqual(['H44.100', 'H44.19', 'H44.44']);
    expect(digests.flatMap((o) => o.to_addresses).sort()).toEqual([
      'donvi-h44.100@phutho.gov.vn',
      'donvi-h44.19@phutho.gov.vn',
      'donvi-h44.44@phutho.gov.vn',
    ]);
    // Nothing fell (first cycle): the e-mail points to the weakest groups, not to "the group that fell most".
    const h4444 = digests.find((o) => o.unit_codes.includes('H44.44'))!.text;
    expect(h4444).toContain('Sở Xây dựng');
    expect(h4444).not.toContain('Tỉnh Phú Thọ');
    expect(h4444).toMatch(/không nhóm nào giảm so với lần trước; các nhóm đạt tỷ lệ điểm thấp nhất là/);
  });

  it('the bulletin lists units without dossiers as "Không phát sinh hồ sơ", ranks only active units, marks only the strictly lowest', async () => {
    const out = path.join(bench.dir, 'thong-bao.md');
    const r = await runCli(['report', '--format', 'md', '--out', out], bench.env);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(out, 'utf8');
    const section = (from: string, to: string) => md.slice(md.indexOf(from), md.indexOf(to));
    const departments = section('### 2. Kết quả Bộ chỉ số 766 tại các sở, ban, ngành', '### 3.');
    const communes = section('### 3. Kết quả Bộ chỉ số 766 tại các xã, phường', '### 4.');
    const rows = (s: string) => s.split('\n').filter((l) => /^\| (\d+|—) \|/.test(l));
    // 12 departments with activity ranked 1…12, then the 3 without dossiers, unranked.
    const dept = rows(departments);
    expect(dept).toHaveLength(15);
    expect(dept.filter((l) => l.startsWith('| — |'))).toHaveLength(3);
    for (const l of dept.filter((x) => x.startsWith('| — |'))) expect(l).toContain('Không phát sinh hồ sơ');
    expect(dept.filter((l) => l.includes('thấp nhất'))).toEqual([
      expect.stringMatching(/\| (\*\*)?Sở Xây dựng(\*\*)? \|/),
    ]);
    expect(dept.filter((l) => l.includes('thấp nhất'))[0]).toMatch(/^\| 12 \|/);
    // 25 communes with activity in the table; the 123 others named in one line, never "thấp nhất".
    expect(rows(communes)).toHaveLength(25);
    expect(communes).toMatch(/Không phát sinh hồ sơ \(123 đơn vị, không xếp hạng\): /);
    expect(communes.split('\n').filter((l) => l.includes('thấp nhất'))).toEqual([
      expect.stringMatching(/\| (\*\*)?UBND phường Việt Trì(\*\*)? \|/),
    ]);
    // Alert rows (the annex): today's figure and the data week, not the wall clock.
    const alerts = md.slice(md.indexOf('PHỤ LỤC'));
    expect(alerts).toMatch(
      /\| Sở Xây dựng \| Dưới ngưỡng \| Tổng điểm \| nghiêm trọng \| 41,25\/100 \(ngưỡng 50\) \| tuần 45\/2026 \|/,
    );
    expect(md).toContain('điểm bình quân cả nước (trung bình cộng tổng điểm của 34 tỉnh, thành phố) là 61,55');
    expect(md).toContain('điểm của cả nước do Cổng Dịch vụ công quốc gia công bố là 56,56');
  });
});

describe('"try the portal" then the weekly cycle (README sequence)', () => {
  it('capture, then run-once the same week: a complete cycle that evaluated the week', async () => {
    const bench = await createBench({ captures: [CAPTURE_23] });
    try {
      const c = await runCli(['capture', '--as-of', '2026-11-23T03:30:00+07:00', '--json'], bench.env);
      expect(c.code, c.stderr).toBe(0);
      const r = await runCli(['run-once', '--as-of', '2026-11-23T04:12:00+07:00', '--json'], bench.env, {
        timeoutMs: 120_000,
      });
      expect(r.code, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout);
      expect(s).toMatchObject({ state: 'complete', unchanged: 0, recheckAt: null });
      expect(s.observations).toBeGreaterThan(0);
      // The week was evaluated: its floor alerts exist, and no ops alert says the portal did not recalculate.
      const events = await bench.database.db
        .selectFrom('alert_events')
        .select('event')
        .where('cycle_id', '=', s.cycleId)
        .execute();
      expect(events.filter((e) => e.event === 'opened').length).toBeGreaterThan(0);
      expect(
        await bench.database.db
          .selectFrom('alerts')
          .select('id')
          .where('rule', '=', 'source.not_recalculated')
          .execute(),
      ).toEqual([]);
      const manual = await bench.database.db
        .selectFrom('captures')
        .select(['cycle_id', 'state'])
        .where('cycle_id', 'is', null)
        .execute();
      expect(manual).toEqual([{ cycle_id: null, state: 'complete' }]);
    } finally {
      await bench.close();
    }
  }, 180_000);
});
