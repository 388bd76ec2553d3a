/** `chiso766 capture` and `export` as an operator runs them, against a replay of the portal. */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { CAPTURE_16 } from '../helpers/paths.ts';
import { createBench, type Bench } from '../helpers/pipeline.ts';

let bench: Bench | null = null;
afterEach(async () => {
  await bench?.close();
  bench = null;
});

describe('capture', () => {
  it('stores 8 requests: the 34 provinces, 20 units + the province, every metric; again → unchanged; export keeps Vietnamese names', async () => {
    bench = await createBench({ captures: [CAPTURE_16] });
    const r = await runCli(['capture', '--as-of', '2026-11-16T04:12:00+07:00', '--json'], bench.env);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ requests: 8, httpRequests: 8, snapshots: 2, unchanged: 0, failure: null });
    expect(s.scopes).toEqual([
      { scope: 'national', unchanged: false, units: 34, observations: 238 },
      { scope: 'H19', unchanged: false, units: 21, observations: expect.any(Number) },
    ]);
    const metrics = await bench.database.db
      .selectFrom('observations')
      .select('metric')
      .distinct()
      .where('unit_code', '=', 'H19.08')
      .execute();
    const set = new Set(metrics.map((m) => m.metric));
    for (const m of [
      'TOTAL',
      'CKMB',
      'TDGQ',
      'CLGQ',
      'TTTT',
      'MDHL',
      'MDSH',
      'PUBLISH_ON_TIME',
      'PUBLIC_UPDATE_ON_TIME',
      'PUBLIC_CONTENT_FULL',
      'DOSSIER_SYNC',
      'DOSSIER_RECEIVING_SATISFACTION',
      'PETITION_PROCESSING_ON_TIME',
      'PETITION_HANDLING_SATISFACTION',
      'PETITION_CLASSIFICATION_TTHC',
      'PETITION_CLASSIFICATION_STAFF',
      'ORIGINAL_RESULT_AVAILABLE',
      'SO_HOA_GIAY_TO_GIAI_QUYET',
      'REUSED_DIGITIZED_DATA',
      'SYNCED_WITH_DVCQG_PERSONAL_STORAGE',
      'CITIZEN_DATA_CONNECTED_DOSSIER',
      'CITIZEN_DATA_CONNECTED_FORMALITY',
      'ELECTRONIC_CERTIFIED_COPY',
    ]) {
      expect(set, m).toContain(m);
    }

    const csv = await runCli(['export', '--format', 'csv'], bench.env);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.split('\r\n');
    // A byte-order mark first, so Excel reads the Vietnamese names as UTF-8.
    expect(lines[0]).toBe(
      '\uFEFFcaptured_at,unit_code,unit_name,unit_kind,metric,score,max_score,ratio,numerator,denominator,rank',
    );
    expect(lines).toContain(
      '2026-11-15T21:12:00.000Z,H19.08,Sở Tư pháp - thành phố Đồng Nai,department,TOTAL,69.7,100,69.7,,,10',
    );
    expect(csv.stdout).toContain('UBND Xã Bù Gia Mập');

    const again = await runCli(['capture', '--as-of', '2026-11-16T04:12:00+07:00', '--json'], bench.env);
    expect(JSON.parse(again.stdout)).toMatchObject({ snapshots: 2, unchanged: 2, observations: 0 });
  });

  it('a WAF page on one endpoint: exit 1 within seconds, names the endpoint and "blocked", one request to it', async () => {
    bench = await createBench({ captures: [CAPTURE_16], faults: [{ endpoint: 'dvc-progress-tree', kind: 'waf' }] });
    const started = Date.now();
    const r = await runCli(['capture', '--as-of', '2026-11-16T04:12:00+07:00'], bench.env);
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.stdout).toMatch(/FAILED: dvc-progress-tree blocked/);
    expect(bench.replay.stats.byEndpoint['dvc-progress-tree']).toBe(1);
    expect(bench.replay.stats.byEndpoint['provide-online-tree']).toBeUndefined();
  });
});
