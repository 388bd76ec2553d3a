/**
 * DVCQG replayed + a stand-in iGate on loopback: run-once stores both sources, `reconcile --json`
 * lists both figures and the gap per unit, units outside tolerance have a discrepancy alert, the
 * bulletin shows the comparison — and no credential appears in logs, outputs or the database.
 */
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IgateStandIn, TOKEN_PATH } from '../../src/offline/igate.ts';
import { runCli } from '../helpers/cli.ts';
import { rawBody } from '../../src/snapshots/archive.ts';
import { DEMO_DVCQG, ROOT } from '../helpers/paths.ts';
import { createBench, type Bench } from '../helpers/pipeline.ts';

const SECRET = 'client-secret-Xy7-do-not-leak';
let bench: Bench;
let igate: IgateStandIn;
let outputs = '';

beforeAll(async () => {
  igate = new IgateStandIn({
    dir: path.join(ROOT, 'demo/igate/H19'),
    clientId: 'chiso766-dongnai',
    clientSecret: SECRET,
    expiresIn: 300,
    pageSize: 15,
  });
  const url = await igate.listen();
  bench = await createBench({
    captures: [`${DEMO_DVCQG}/capture-2026-11-30`],
    yaml: `province: H19\nprovincial: { vendor: igate, baseUrl: "${url}", tokenUrl: "${url}${TOKEN_PATH}", agencyId: H19 }\nrules: { reconciliation: { tolerancePoints: 10 } }\njobs: { attempts: 2, backoffMs: 50 }\n`,
  });
  bench.env.CHISO766_PROVINCIAL_CLIENT_ID = 'chiso766-dongnai';
  bench.env.CHISO766_PROVINCIAL_CLIENT_SECRET = SECRET;
  bench.env.LOG_LEVEL = 'debug';
});
afterAll(async () => {
  await bench.close();
  await igate.close();
});

describe('provincial reconciliation', () => {
  it('run-once stores both sources', async () => {
    const r = await runCli(['run-once', '--as-of', '2026-11-30T04:12:00+07:00', '--json'], { ...bench.env });
    outputs += r.stdout + r.stderr;
    expect(r.code, r.stderr).toBe(0);
    const sources = await bench.database.db
      .selectFrom('snapshots')
      .select(['source', 'scope', 'observation_count'])
      .orderBy('id')
      .execute();
    expect(sources.map((s) => `${s.source}:${s.scope}`)).toEqual(['dvcqg:national', 'dvcqg:H19', 'provincial:H19']);
    expect(sources[2]!.observation_count).toBeGreaterThan(80);
    expect(igate.stats.tokensIssued).toBe(1);
    // 20 rows with 15 per page: two pages for each report.
    expect(Object.values(igate.stats.requests)).toEqual([2, 2, 2]);
  });

  it('reconcile --json lists both figures and the gap per unit', async () => {
    const r = await runCli(['reconcile', '--json'], bench.env);
    outputs += r.stdout + r.stderr;
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as {
      configured: boolean;
      rows: { unitCode: string; metric: string; provincial: number; national: number; gap: number; status: string }[];
    };
    expect(t.configured).toBe(true);
    const digit08 = t.rows.find((x) => x.unitCode === 'H19.08' && x.metric === 'PROV_DIGITIZATION')!;
    expect(digit08.provincial).toBeCloseTo(99.9, 1);
    expect(digit08.status).toBe('outside');
    expect(digit08.gap).toBeCloseTo(digit08.provincial - digit08.national, 2);
    const rec05 = t.rows.find((x) => x.unitCode === 'H19.05' && x.metric === 'PROV_RECEIVED')!;
    expect(rec05).toMatchObject({ status: 'outside' });
    expect(rec05.gap).toBe(rec05.provincial - rec05.national);
    expect(t.rows.find((x) => x.unitCode === 'H19.01' && x.metric === 'PROV_DIGITIZATION')!.status).toBe('ok');
    // The online-payment report has names only: matched through the registry, whatever their case.
    const paid03 = t.rows.find((x) => x.unitCode === 'H19.03' && x.metric === 'PROV_ONLINE_PAYMENT')!;
    expect(paid03).toMatchObject({ status: 'ok' });
    expect(paid03.provincial).toBeGreaterThan(0);
    expect(paid03.national).toBeGreaterThan(0);
  });

  it('units outside tolerance have an open discrepancy alert; the bulletin shows the comparison', async () => {
    const alerts = JSON.parse((await runCli(['alerts', '--json'], bench.env)).stdout) as {
      rule: string;
      kind: string;
      unitCode: string;
      metric: string;
    }[];
    const discrepancies = alerts.filter((a) => a.kind === 'discrepancy').map((a) => `${a.unitCode} ${a.metric}`);
    expect(discrepancies).toEqual(
      expect.arrayContaining([
        'H19.08 PROV_DIGITIZATION',
        'H19.111 PROV_DIGITIZATION',
        'H19.05 PROV_RECEIVED',
        'H19.106 PROV_ONLINE_PAYMENT',
      ]),
    );
    expect(discrepancies).not.toContain('H19.01 PROV_DIGITIZATION');
    const md = await runCli(['report'], bench.env);
    outputs += md.stdout + md.stderr;
    // I.4: only gaps beyond tolerance, grouped by indicator, both capture dates named.
    const section = md.stdout.slice(md.stdout.indexOf('### 4. Về đồng bộ dữ liệu'), md.stdout.indexOf('## II.'));
    expect(section).toMatch(
      /Cổng dịch vụ công tỉnh \(thu thập ngày \d\d\/\d\d\/2026\) và Cổng Dịch vụ công quốc gia \(thu thập ngày/,
    );
    expect(section).toMatch(/\| \*\*I\*\* \| \*\*Số hồ sơ tiếp nhận\*\* \|/);
    expect(section).toMatch(/\| \d+ \| Sở Tư pháp \| 99,9\d% \| [\d,]+% \| \+[\d,]+ \|/);
    expect(section).toMatch(/\| \d+ \| Sở Xây dựng \| [\d.]+ \| [\d.]+ \| \+[\d.]+ \|/);
    // Gaps within tolerance are not listed: one row per open discrepancy, nothing more.
    const unitRows = section.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(unitRows).toHaveLength(discrepancies.length);
  });

  it('no credential in logs, outputs or the database', async () => {
    expect(outputs).not.toContain(SECRET);
    const dump = await sql<{ t: string }>`select string_agg(x::text, ' ') as t from (
      select row_to_json(r)::text as x from raw_payloads r union all select row_to_json(s)::text from snapshots s
      union all select row_to_json(a)::text from alerts a union all select row_to_json(o)::text from outbox o
      union all select row_to_json(c)::text from cycles c) q`.execute(bench.database.db);
    const bodies = (await bench.database.db.selectFrom('raw_payloads').select(['body', 'body_encoding']).execute()).map(
      (r) => rawBody(r).toString('utf8'),
    );
    const text = dump.rows[0]!.t + bodies.join(' ');
    expect(text).not.toContain(SECRET);
    for (const h of igate.stats.authorizationHeaders) expect(text).not.toContain(h.replace(/^bearer /i, ''));
    expect(igate.stats.authorizationHeaders.length).toBeGreaterThan(0);
  });
});
