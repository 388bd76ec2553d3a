import { describe, expect, it } from 'vitest';
import { rulesSchema } from '../../src/config/schema.ts';
import { evaluateRules } from '../../src/rules/evaluate.ts';
import { floorFindings, targetFindings } from '../../src/rules/thresholds.ts';
import {
  consecutiveDeclinesFindings,
  nationalRankDropFindings,
  rankDropFindings,
  weeklyDropFindings,
} from '../../src/rules/trends.ts';
import { coverageFindings } from '../../src/rules/coverage.ts';
import { noActivityKeys } from '../../src/rules/no-activity.ts';
import { type RuleInput } from '../../src/rules/types.ts';
import { type Observation as ObsPoint, type SnapshotView, viewOf } from '../../src/domain/observations.ts';

type Row = [unit: string, score: number | null, rank?: number | null, peer?: number | null, present?: boolean];

let nextId = 1;
function snap(rows: Row[], metric = 'TOTAL', max = 100): SnapshotView {
  const obs: ObsPoint[] = rows.map(([unitCode, score, rank = null, peer = null, present = true]) => ({
    unitCode,
    metric,
    score,
    maxScore: max,
    ratio: score,
    rank,
    peerRank: peer,
    present,
  }));
  return viewOf(nextId++, new Date(Date.UTC(2026, 10, nextId)), `hash${nextId}`, obs);
}

function input(
  current: SnapshotView,
  history: SnapshotView[] = [],
  rules: unknown = {},
  extra: Partial<RuleInput> = {},
): RuleInput {
  return {
    province: 'H19',
    periodKey: 'year-2026',
    week: '2026-W48',
    current,
    history,
    nationalCurrent: null,
    nationalHistory: [],
    units: new Map([
      ['H19.01', { code: 'H19.01', kind: 'department', name: 'Sở A' }],
      ['H19.101', { code: 'H19.101', kind: 'commune', name: 'Xã B' }],
    ]),
    rules: rulesSchema.parse(rules),
    portalUrl: 'https://dichvucong.gov.vn/danh-gia-chat-luong-phuc-vu',
    ...extra,
  };
}

describe('floor', () => {
  const rules = { floor: { warnRatio: 60, criticalRatio: 50, resolveMargin: 1 } };
  it.each([
    [49.99, 'critical', false],
    [50, 'warn', false], // exactly at the critical threshold is not below it
    [59.99, 'warn', false],
    [60, null, true], // at the warn threshold: not below, but inside the margin → hold
    [60.99, null, true],
    [61, null, false], // threshold + margin: resolves
    [80, null, false],
  ])('TOTAL %s → %s (hold %s)', (score, severity, hold) => {
    const f = floorFindings(input(snap([['H19.01', score]]), [], rules));
    if (severity === null && !hold) return expect(f).toEqual([]);
    expect(f).toHaveLength(1);
    expect(f[0]!.holdOnly).toBe(hold);
    if (severity) expect(f[0]!.severity).toBe(severity);
  });

  it('null scores and missing units are not judged', () => {
    expect(floorFindings(input(snap([['H19.01', null]]), [], rules))).toEqual([]);
    expect(floorFindings(input(snap([['H19.01', 10, null, null, false]]), [], rules))).toEqual([]);
  });

  it('uses the metric maximum (group CKMB max 18) and reports the threshold in points', () => {
    const ckmb = snap([['H19.01', 8.65]], 'CKMB', 18);
    const cur = viewOf(ckmb.snapshotId, ckmb.capturedAt, 'h', [
      ...ckmb.observations.values(),
      ...snap([['H19.01', 60]]).observations.values(),
    ]);
    const f = floorFindings(input(cur, [], { floor: { metrics: ['CKMB'], warnRatio: 0, criticalRatio: 50 } }));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'critical', threshold: 9, value: 8.65 });
    expect(f[0]!.message).toContain('8,65/18');
  });

  it('warnRatio 0 disables the warning level; overrides apply by glob', () => {
    const cur = snap([
      ['H19.01', 55],
      ['H19.101', 47],
    ]);
    const f = floorFindings(
      input(cur, [], {
        floor: { warnRatio: 0, criticalRatio: 50 },
        overrides: [{ unit: 'H19.1*', floor: { criticalRatio: 45 } }],
      }),
    );
    expect(f.filter((x) => !x.holdOnly)).toEqual([]);
  });
});

describe('weeklyDrop', () => {
  it.each([
    [70, 65, true], // exactly 5
    [70, 65.01, false],
    [69.7, 63.95, true],
    [60, 70, false], // a rise
  ])('%s → %s: alert %s', (prev, cur, alert) => {
    const f = weeklyDropFindings(input(snap([['H19.01', cur]]), [snap([['H19.01', prev]])]));
    expect(f.length).toBe(alert ? 1 : 0);
    if (alert) expect(f[0]).toMatchObject({ rule: 'weeklyDrop', week: '2026-W48', previous: prev, value: cur });
  });

  it('a unit new this cycle, or a null on either side, is not judged; no history → nothing', () => {
    expect(weeklyDropFindings(input(snap([['H19.01', 10]]), [snap([['H19.101', 90]])]))).toEqual([]);
    expect(weeklyDropFindings(input(snap([['H19.01', null]]), [snap([['H19.01', 90]])]))).toEqual([]);
    expect(weeklyDropFindings(input(snap([['H19.01', 10]])))).toEqual([]);
  });
});

describe('consecutiveDeclines', () => {
  it.each([
    [[58.45, 55.2, 54.1], true],
    [[58.45, 55.2, 54.7], true], // second step exactly 0.5
    [[58.45, 55.2, 54.71], false],
    [[58.45, 58.45, 50], false], // one flat step
    [[50, 55.2, 54.1], false],
  ])('%j → %s', (series, alert) => {
    const views = series.map((v) => snap([['H19.01', v]]));
    const f = consecutiveDeclinesFindings(
      input(views[2]!, [views[1]!, views[0]!], { consecutiveDeclines: { steps: 2, minPoints: 0.5 } }),
    );
    expect(f.length).toBe(alert ? 1 : 0);
  });

  it('needs steps + 1 points', () => {
    expect(consecutiveDeclinesFindings(input(snap([['H19.01', 40]]), [snap([['H19.01', 60]])]))).toEqual([]);
  });
});

describe('rankDrop', () => {
  it('among all units (scope province), boundary at exactly `places`', () => {
    const prev = snap([
      ['H19.01', 80, 2, 1],
      ['H19.101', 70, 5, 1],
    ]);
    const cur = snap([
      ['H19.01', 60, 12, 3],
      ['H19.101', 69, 14, 2],
    ]);
    const f = rankDropFindings(input(cur, [prev], { rankDrop: { places: 10 } }));
    expect(f.map((x) => x.unitCode)).toEqual(['H19.01']);
    expect(f[0]).toMatchObject({ value: 12, previous: 2, week: '2026-W48' });
  });

  it('scope peer uses the peer rank; ties share a rank and do not count as a fall', () => {
    const prev = snap([['H19.01', 80, 3, 3]]);
    const cur = snap([['H19.01', 80, 3, 3]]);
    expect(rankDropFindings(input(cur, [prev], { rankDrop: { places: 1, scope: 'peer' } }))).toEqual([]);
    const cur2 = snap([['H19.01', 79, 4, 5]]);
    expect(rankDropFindings(input(cur2, [prev], { rankDrop: { places: 2, scope: 'peer' } }))).toHaveLength(1);
    expect(rankDropFindings(input(cur2, [prev], { rankDrop: { places: 2, scope: 'province' } }))).toHaveLength(0);
  });

  it('the province itself: national rank among 34', () => {
    const natPrev = snap([['H19', 67, 2, 2]]);
    const natCur = snap([['H19', 50, 14, 14]]);
    const i = input(
      snap([['H19', 50]]),
      [snap([['H19', 67]])],
      { rankDrop: { places: 10 } },
      { nationalCurrent: natCur, nationalHistory: [natPrev] },
    );
    expect(rankDropFindings(i)).toEqual([]);
    const f = nationalRankDropFindings(i);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'nationalRankDrop', unitCode: 'H19', value: 14, previous: 2 });
    expect(f[0]!.message).toContain('toàn quốc');
  });
});

describe('target', () => {
  it('below an assigned target, by unit glob', () => {
    const f = targetFindings(
      input(
        snap([
          ['H19.01', 79.99],
          ['H19.101', 80],
        ]),
        [],
        { target: [{ unit: 'H19.*', metric: 'TOTAL', value: 80 }] },
      ),
    );
    expect(f.map((x) => x.unitCode)).toEqual(['H19.01']);
  });
});

describe('coverage (source health)', () => {
  it('a unit present last cycle and missing now, and a metric missing from its endpoint', () => {
    const prev = snap([
      ['H19.01', 70],
      ['H19.101', 60],
    ]);
    const cur = viewOf(99, new Date(), 'h', [
      { unitCode: 'H19.01', metric: 'TOTAL', score: 70, maxScore: 100, ratio: 70, rank: 1, peerRank: 1, present: true },
      {
        unitCode: 'H19.01',
        metric: 'CLGQ',
        score: null,
        maxScore: 12,
        ratio: null,
        rank: null,
        peerRank: null,
        present: false,
      },
    ]);
    const f = coverageFindings(input(cur, [prev]));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ kind: 'source', rule: 'source.coverage', unitCode: 'H19' });
    expect(f[0]!.evidence).toMatchObject({ vanishedUnits: ['H19.101'], missingMetrics: ['H19.01 CLGQ'] });
  });

  it('evidence carries capture times, the raw hash and the portal page', () => {
    const f = evaluateRules(input(snap([['H19.01', 10]]), [snap([['H19.01', 90]])]));
    for (const x of f)
      expect(x.evidence).toMatchObject({
        rawHash: expect.any(String),
        capturedAt: expect.any(String),
        portalPage: expect.stringContaining('dichvucong'),
      });
  });
});

describe('"không phát sinh": figures explained by no activity are not judged', () => {
  // A unit's snapshot: TOTAL, the six groups and the counters the activity table reads.
  type Groups = Partial<Record<'CKMB' | 'TDGQ' | 'CLGQ' | 'TTTT' | 'MDHL' | 'MDSH', number>>;
  const MAX = { CKMB: 18, TDGQ: 20, CLGQ: 12, TTTT: 10, MDHL: 18, MDSH: 22 } as const;
  function unitObs(
    unit: string,
    g: Groups,
    counters: { received: number; obligation: number; dossiers?: number; digitized?: number; sync?: number },
  ): ObsPoint[] {
    const score = (k: keyof typeof MAX) => g[k] ?? 0;
    const total = (Object.keys(MAX) as (keyof typeof MAX)[]).reduce((n, k) => n + score(k), 0);
    const o = (
      metric: string,
      s: number | null,
      max: number | null,
      num: number | null = null,
      den: number | null = null,
    ): ObsPoint => ({
      unitCode: unit,
      metric,
      score: s,
      maxScore: max,
      ratio: null,
      rank: null,
      peerRank: null,
      present: true,
      numerator: num,
      denominator: den,
    });
    return [
      o('TOTAL', Math.round(total * 100) / 100, 100),
      ...(Object.keys(MAX) as (keyof typeof MAX)[]).map((k) => o(k, score(k), MAX[k])),
      o('ON_TIME', null, null, 0, counters.received),
      o('ONLINE_PAYMENT_DOSSIER', null, null, 0, counters.obligation),
      o('FEE_FORMALITY_WITH_DOSSIER', null, null, 0, 2),
      o('DOSSIER_SYNC', counters.sync ? 3 : null, 6, 0, counters.sync ?? 0),
      o('DOSSIER_RECEIVING_SATISFACTION', 0, 6, 0, counters.dossiers ?? counters.received),
      o('PETITION_PROCESSING_ON_TIME', 6, 6, 0, 0),
      o('ORIGINAL_RESULT_AVAILABLE', 0, 6, 0, counters.digitized ?? counters.received),
    ];
  }
  const view = (...units: ObsPoint[][]) =>
    viewOf(nextId++, new Date(Date.UTC(2026, 10, nextId)), `h${nextId}`, units.flat());
  // 16,00: publication 10 + complaint handling 6 — what the portal gives a unit with no dossier at all.
  const idle = (unit: string) => unitObs(unit, { CKMB: 10, MDHL: 6 }, { received: 0, obligation: 0 });
  const low = (unit: string) =>
    unitObs(
      unit,
      { CKMB: 10.5, TDGQ: 7.75, CLGQ: 6, TTTT: 3, MDHL: 9, MDSH: 5 },
      { received: 400, obligation: 100, sync: 600 },
    );

  it('no floor on a unit with no dossiers (16,00), still on a unit that truly scored 41,25', () => {
    const f = floorFindings(input(view(idle('H19.101'), low('H19.01'))));
    expect(f.map((x) => `${x.unitCode} ${x.severity}`)).toEqual(['H19.01 critical']);
  });

  it('a group with no activity is never judged; the same group with activity is', () => {
    const rules = { floor: { metrics: ['TTTT', 'TDGQ'], warnRatio: 60, criticalRatio: 50 } };
    const f = floorFindings(
      input(
        view(
          unitObs(
            'H19.01',
            { CKMB: 15, TDGQ: 8, CLGQ: 10, TTTT: 0, MDHL: 15, MDSH: 18 },
            { received: 400, obligation: 0, sync: 600 },
          ),
        ),
        [],
        rules,
      ),
    );
    expect(f.map((x) => x.metric)).toEqual(['TDGQ']);
  });

  it('a total lowered only by a group with no activity: judged on the groups that had activity (55/90 = 61,1 %)', () => {
    const noFees = unitObs(
      'H19.01',
      { CKMB: 11, TDGQ: 17, CLGQ: 8, TTTT: 0, MDHL: 14, MDSH: 5 },
      { received: 400, obligation: 0, sync: 600 },
    );
    expect(floorFindings(input(view(noFees)))).toEqual([]);
    // The same 55 with fees due and unpaid is a real 55: warn.
    const unpaid = unitObs(
      'H19.01',
      { CKMB: 11, TDGQ: 17, CLGQ: 8, TTTT: 0, MDHL: 14, MDSH: 5 },
      { received: 400, obligation: 30, sync: 600 },
    );
    expect(floorFindings(input(view(unpaid))).map((x) => x.severity)).toEqual(['warn']);
    // Below even on the active groups: the message says on what basis it was judged.
    const weak = unitObs(
      'H19.01',
      { CKMB: 10, TDGQ: 10, CLGQ: 6, TTTT: 0, MDHL: 10, MDSH: 4 },
      { received: 400, obligation: 0, sync: 600 },
    );
    const f = floorFindings(input(view(weak)));
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('không tính Thanh toán trực tuyến');
    expect(f[0]!.evidence).toMatchObject({ inactiveGroups: ['TTTT'], value: 40 });
  });

  it('moving from no activity to activity (or back) is not a drop; the same activity both weeks is judged', () => {
    expect(weeklyDropFindings(input(view(idle('H19.01')), [view(low('H19.01'))]))).toEqual([]);
    expect(
      weeklyDropFindings(
        input(view(low('H19.01')), [
          view(
            unitObs(
              'H19.01',
              { CKMB: 15, TDGQ: 18, CLGQ: 10, TTTT: 8, MDHL: 15, MDSH: 18 },
              { received: 300, obligation: 80, sync: 500 },
            ),
          ),
        ]),
      ),
    ).toHaveLength(1);
    const partial = unitObs(
      'H19.01',
      { CKMB: 15, TDGQ: 18, CLGQ: 10, TTTT: 0, MDHL: 15, MDSH: 10 },
      { received: 300, obligation: 0, sync: 500 },
    );
    const withFees = unitObs(
      'H19.01',
      { CKMB: 15, TDGQ: 18, CLGQ: 10, TTTT: 8, MDHL: 15, MDSH: 18 },
      { received: 300, obligation: 80, sync: 500 },
    );
    expect(weeklyDropFindings(input(view(partial), [view(withFees)]))).toEqual([]);
  });

  it('consecutive declines across a change of activity are not judged', () => {
    const a = view(low('H19.01'));
    const b = view(
      unitObs(
        'H19.01',
        { CKMB: 12, TDGQ: 10, CLGQ: 6, TTTT: 3, MDHL: 9, MDSH: 5 },
        { received: 400, obligation: 100, sync: 600 },
      ),
    );
    const c = view(idle('H19.01'));
    expect(consecutiveDeclinesFindings(input(c, [a, b]))).toEqual([]);
  });

  it('rank falls are not judged for a unit without activity; targets neither', () => {
    const prevIdle = idle('H19.01').map((o) => (o.metric === 'TOTAL' ? { ...o, rank: 1 } : o));
    const curLow = low('H19.01').map((o) => (o.metric === 'TOTAL' ? { ...o, rank: 30 } : o));
    expect(rankDropFindings(input(view(curLow), [view(prevIdle)]))).toEqual([]);
    expect(targetFindings(input(view(idle('H19.01')), [], { target: [{ unit: 'H19.*', value: 80 }] }))).toEqual([]);
    expect(targetFindings(input(view(low('H19.01')), [], { target: [{ unit: 'H19.*', value: 80 }] }))).toHaveLength(1);
  });

  it('rules.noActivity: skip says nothing; note tells the unit, as information', () => {
    expect(evaluateRules(input(view(idle('H19.101')))).filter((f) => f.rule === 'noActivity')).toEqual([]);
    const f = evaluateRules(input(view(idle('H19.101'), low('H19.01')), [], { noActivity: 'note' })).filter(
      (x) => x.rule === 'noActivity',
    );
    expect(f.map((x) => `${x.unitCode} ${x.severity}`)).toEqual(['H19.101 info']);
    expect(f[0]!.message).toContain('Không phát sinh hồ sơ');
  });

  it('alerts still open on figures now explained by no activity are the ones to resolve with that reason', () => {
    const keys = noActivityKeys(input(view(idle('H19.101'), low('H19.01'))));
    expect(keys.has('H19.101|TOTAL')).toBe(true);
    expect(keys.has('H19.101|TDGQ')).toBe(true);
    expect(keys.has('H19.101|CKMB')).toBe(true);
    expect([...keys].some((k) => k.startsWith('H19.01|'))).toBe(false);
  });
});
