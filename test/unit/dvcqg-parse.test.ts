import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { provinceRequests, type Endpoint } from '../../src/sources/dvcqg/endpoints.ts';
import { parseLegacy } from '../../src/sources/dvcqg-legacy/legacy.ts';
import { parseNational, parseProvince, validateResponse, type ScopePages } from '../../src/sources/dvcqg/parse.ts';
import { classify } from '../../src/sources/http.ts';
import { CAPTURE_16, CAPTURE_23, ERRORS, LEGACY } from '../helpers/paths.ts';
import { DriftError } from '../../src/sources/drift.ts';
import type { ParsedScope } from '../../src/sources/source.ts';

const ROOT_H19 = '019d2be3-6a85-74ec-a342-8635701ddf34';
const GROUP_ENDPOINTS: Endpoint[] = [
  'transparency',
  'dvc-progress-tree',
  'provide-online-tree',
  'formality-online-payment-tree',
  'handling-satisfaction',
  'dossier-digitized',
];

function body(dir: string, file: string): Buffer {
  return readFileSync(path.join(dir, file));
}

function parseCapture(dir: string): { national: ParsedScope; province: ParsedScope } {
  const national = parseNational(
    validateResponse('n', 'service-results', 'national', null, body(dir, 'service-results.national.year-2026.json')),
  );
  const pages: ScopePages = {
    'service-results': [
      validateResponse('s', 'service-results', 'H19', ROOT_H19, body(dir, 'service-results.H19.year-2026.json')),
    ],
  };
  for (const ep of GROUP_ENDPOINTS)
    pages[ep] = [validateResponse(ep, ep, 'H19', ROOT_H19, body(dir, `${ep}.H19.year-2026.json`))];
  return { national, province: parseProvince('H19', pages) };
}

function obs(scope: ParsedScope, unit: string, metric: string) {
  return scope.observations.find((o) => o.unitCode === unit && o.metric === metric);
}

describe.each([
  ['2026-11-16', CAPTURE_16],
  ['2026-11-23', CAPTURE_23],
])('capture %s', (_name, dir) => {
  const { national, province } = parseCapture(dir);

  it('national ranking: 34 provinces × (TOTAL + 6 groups), ranks 1..34', () => {
    expect(national.units).toHaveLength(34);
    expect(national.observations).toHaveLength(34 * 7);
    const ranks = national.observations
      .filter((o) => o.metric === 'TOTAL')
      .map((o) => o.rank)
      .sort((a, b) => a! - b!);
    expect(ranks[0]).toBe(1);
    expect(obs(national, 'H19', 'TOTAL')!.rank).toBe(2);
  });

  it('province: 20 units + the province, 8 departments and 12 communes', () => {
    expect(province.units).toHaveLength(21);
    expect(province.units.filter((u) => u.kind === 'department')).toHaveLength(8);
    expect(province.units.filter((u) => u.kind === 'commune')).toHaveLength(12);
    expect(province.units[0]).toMatchObject({ code: 'H19', kind: 'province' });
  });

  it('every unit has TOTAL, six groups and the portal sub-metrics with their counts', () => {
    const metrics = new Set(province.observations.filter((o) => o.unitCode === 'H19.01').map((o) => o.metric));
    for (const m of [
      'TOTAL',
      'CKMB',
      'TDGQ',
      'CLGQ',
      'TTTT',
      'MDHL',
      'MDSH',
      'DOSSIER_SYNC',
      'PUBLISH_ON_TIME',
      'PETITION_CLASSIFICATION_STAFF',
      'ORIGINAL_RESULT_AVAILABLE',
      'ELECTRONIC_CERTIFIED_COPY',
      'ON_TIME',
      'OVERDUE',
      'ONLINE_PAYMENT_DOSSIER',
    ]) {
      expect(metrics, m).toContain(m);
    }
    const provinceMetrics = new Set(province.observations.filter((o) => o.unitCode === 'H19').map((o) => o.metric));
    expect(provinceMetrics).toContain('ONLINE_SUBMISSION');
    expect(provinceMetrics).toContain('ONLINE_PROVISION_FULL');
  });

  it('unit TOTAL equals the sum of its six groups when all are present', () => {
    for (const u of province.units.filter((x) => x.kind !== 'province')) {
      const groups = ['CKMB', 'TDGQ', 'CLGQ', 'TTTT', 'MDHL', 'MDSH'].map((g) => obs(province, u.code, g)!);
      if (groups.some((g) => !g.present)) continue;
      const sum = Math.round(groups.reduce((s, g) => s + g.score!, 0) * 100) / 100;
      expect(Math.abs(sum - obs(province, u.code, 'TOTAL')!.score!), u.code).toBeLessThanOrEqual(0.011);
    }
  });

  it('keeps the certified-copy quirk: null counts, ratio 100, score 2', () => {
    expect(obs(province, 'H19.01', 'ELECTRONIC_CERTIFIED_COPY')).toMatchObject({
      numerator: null,
      denominator: null,
      ratio: 100,
      score: 2,
    });
  });

  it('names are NFC and identity comes from codes, not names', () => {
    for (const u of province.units) expect(u.name).toBe(u.name.normalize('NFC'));
    expect(province.units.find((u) => u.code === 'H19.15')!.aliases[0]!.alias).toBe(
      '019d2be3-6a85-74ec-a343-86608b23ac23',
    );
  });
});

describe('figures of 2026-11-16 and 2026-11-23', () => {
  const a = parseCapture(CAPTURE_16).province;
  const b = parseCapture(CAPTURE_23).province;

  it('exact totals and ranks from the fixture table', () => {
    expect(obs(a, 'H19.08', 'TOTAL')).toMatchObject({ score: 69.7, rank: 10 });
    expect(obs(b, 'H19.08', 'TOTAL')).toMatchObject({ score: 63.95, rank: 13 });
    expect(obs(b, 'H19.15', 'TOTAL')).toMatchObject({ score: 85.05, rank: 1, peerRank: 1 });
    expect(obs(b, 'H19.112', 'TOTAL')).toMatchObject({ score: 41.25, rank: 20 });
    expect(obs(a, 'H19', 'TOTAL')!.score).toBe(67.67);
    expect(obs(b, 'H19', 'TOTAL')!.score).toBe(67.39);
  });

  it('denominator 0 stays null, not 0 (H19.08 DOSSIER_SYNC on 11-23)', () => {
    expect(obs(b, 'H19.08', 'DOSSIER_SYNC')).toMatchObject({
      numerator: 0,
      denominator: 0,
      ratio: null,
      score: null,
      quality: 'NO_NATIONAL_REPORT_DATA',
      present: true,
    });
    expect(obs(b, 'H19.08', 'CKMB')).toMatchObject({ score: 8.65, maxScore: 18 });
    expect(obs(a, 'H19.08', 'CKMB')!.score).toBe(14.56);
  });

  it('the commune missing from provide-online-tree is recorded as missing, not invented', () => {
    expect(obs(b, 'H19.109', 'CLGQ')).toMatchObject({ present: false, score: null });
    expect(obs(a, 'H19.109', 'CLGQ')!.present).toBe(true);
    expect(b.notes.join('\n')).toMatch(/H19\.109 .*missing from provide-online-tree/);
    expect(obs(b, 'H19.109', 'TOTAL')!.score).toBe(63.8);
  });

  it("MDHL with no petitions: the portal's ratio 0 on 0/0 is stored as no ratio, full PAKN scores kept (H19.15)", () => {
    expect(obs(b, 'H19.15', 'PETITION_PROCESSING_ON_TIME')).toMatchObject({
      numerator: 0,
      denominator: 0,
      ratio: null,
      score: 6,
    });
  });

  it('the name that changes case between endpoints keeps one unit', () => {
    expect(b.units.filter((u) => u.code === 'H19.111')).toHaveLength(1);
    expect(b.units.find((u) => u.code === 'H19.111')!.name).toBe('UBND xã Bù Gia Mập');
  });

  it('tree counters: overdue = received − on time', () => {
    const onTime = obs(b, 'H19.01', 'ON_TIME')!;
    const overdue = obs(b, 'H19.01', 'OVERDUE')!;
    expect(onTime.denominator! - onTime.numerator!).toBe(overdue.numerator);
  });
});

describe('drift and blocking', () => {
  it('national ranking without evaluation → drift at $.data.evaluation', () => {
    const err = (() => {
      try {
        validateResponse(
          'service-results.national',
          'service-results',
          'national',
          null,
          body(ERRORS, 'schema-drift.service-results.national.no-evaluation.json'),
        );
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DriftError);
    expect((err as DriftError).path).toBe('$.data.evaluation');
  });

  it('tree children without totalOnTime → drift naming the child field, never read as 0', () => {
    expect(() =>
      validateResponse(
        't',
        'dvc-progress-tree',
        'H19',
        ROOT_H19,
        body(ERRORS, 'schema-drift.dvc-progress-tree.H19.no-totalOnTime.json'),
      ),
    ).toThrow(/\$\.data\.children\[0\]\.totalOnTime/);
  });

  it('a response for another province → drift at the root id', () => {
    expect(() =>
      validateResponse(
        't',
        'transparency',
        'H01',
        '019d2be3-6a84-779d-b3e7-e214bdb86482',
        body(CAPTURE_16, 'transparency.H19.year-2026.json'),
      ),
    ).toThrow(/departmentId/);
  });

  it('non-JSON and wrong envelopes are drift', () => {
    expect(() => validateResponse('x', 'transparency', 'H19', ROOT_H19, '{"code":"ERR","data":{}}')).toThrow(
      /\$\.code/,
    );
    expect(() => validateResponse('x', 'transparency', 'H19', ROOT_H19, 'nope')).toThrow(/not JSON/);
  });

  it('classifies the WAF page as blocked on 200 and 403, 500 as retryable', () => {
    const waf = body(ERRORS, 'waf-request-rejected.html');
    expect(classify(200, { 'content-type': 'text/html' }, waf, 'json').outcome).toBe('blocked');
    expect(classify(403, {}, waf, 'json').outcome).toBe('blocked');
    expect(classify(429, {}, Buffer.from('{}'), 'json').outcome).toBe('blocked');
    expect(classify(500, { 'content-type': 'application/json' }, body(ERRORS, 'http-500.json'), 'json').outcome).toBe(
      'retryable',
    );
    expect(
      classify(201, { 'content-type': 'application/json' }, body(CAPTURE_16, 'transparency.H19.year-2026.json'), 'json')
        .outcome,
    ).toBe('ok');
    expect(classify(404, {}, Buffer.from('{}'), 'json').outcome).toBe('drift');
  });
});

describe('legacy rest.jsp', () => {
  it('national: 34 provinces from string values, Lạng Sơn code normalised', () => {
    const s = parseLegacy(
      'rest-jsp.national',
      'national',
      body(LEGACY, 'rest-jsp.report_tinh_766_service.national.year-2025.json'),
    );
    expect(s.units).toHaveLength(34);
    expect(s.units.map((u) => u.code)).toContain('H37');
    expect(obs(s, 'H19', 'TOTAL')).toMatchObject({ score: 87.85, rank: 5 });
    expect(s.source).toBe('dvcqg-legacy');
  });

  it('province: 20 units, kinds from LOAI_COQUAN, ties keep distinct ROW_STT', () => {
    const s = parseLegacy(
      'rest-jsp.H19',
      'H19',
      body(LEGACY, 'rest-jsp.report_tinh_766_service.426101.year-2025.json'),
    );
    expect(s.units).toHaveLength(20);
    expect(s.units.filter((u) => u.kind === 'department')).toHaveLength(8);
    const tied = s.observations.filter((o) => o.metric === 'TOTAL' && o.score === 91.97);
    expect(tied.map((o) => o.rank).sort()).toEqual([12, 13]);
    expect(s.units.find((u) => u.code === 'H19.15')!.aliases[0]).toEqual({ system: 'dvcqg-legacy', alias: '426325' });
  });

  it('a row with a non-number score is drift', () => {
    expect(() =>
      parseLegacy(
        'k',
        'H19',
        JSON.stringify([
          {
            ID: '1',
            TEN: 'x',
            MA_COQUAN: 'H19.01',
            LOAI_COQUAN: '2',
            CKMB: 'abc',
            TDGQ: '1',
            CLGQ: '1',
            TTTT: '1',
            MDHL: '1',
            MDSH: '1',
            TONG_SCORE: '1',
            ROW_STT: '1',
          },
        ]),
      ),
    ).toThrow(/\$\[0\]\.CKMB/);
  });
});

describe('request builders', () => {
  it('build the 7 province requests as the public page does (handling-satisfaction by dates)', () => {
    const reqs = provinceRequests('H19', { type: 'year', year: 2026 });
    expect(reqs.map((r) => r.endpoint).sort()).toEqual(['service-results', ...GROUP_ENDPOINTS].sort());
    const hs = reqs.find((r) => r.endpoint === 'handling-satisfaction')!;
    expect(hs.body).toMatchObject({ fromDate: '2026-01-01', toDate: '2026-12-31', rootDepartmentId: ROOT_H19 });
    expect(hs.body).not.toHaveProperty('timeType');
    const q = provinceRequests('H19', { type: 'quarter', year: 2026, quarter: 3 }).find(
      (r) => r.endpoint === 'transparency',
    )!;
    expect(q.body).toMatchObject({ timeType: 'quarter', year: 2026, quarter: 3 });
  });
});
