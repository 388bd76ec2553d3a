import { describe, expect, it } from 'vitest';
import { rulesSchema } from '../../src/config/schema.ts';
import { evaluateRules } from '../../src/rules/evaluate.ts';
import { floorFindings, targetFindings } from '../../src/rules/thresholds.ts';
import { consecutiveDeclinesFindings, nationalRankDropFindings, rankDropFindings, weeklyDropFindings } from '../../src/rules/trends.ts';
import { coverageFindings } from '../../src/rules/coverage.ts';
import { viewOf, type ObsPoint, type RuleInput, type SnapshotView } from '../../src/rules/types.ts';

type Row = [unit: string, score: number | null, rank?: number | null, peer?: number | null, present?: boolean];

let nextId = 1;
function snap(rows: Row[], metric = 'TOTAL', max = 100): SnapshotView {
  const obs: ObsPoint[] = rows.map(([unitCode, score, rank = null, peer = null, present = true]) => ({ unitCode, metric, score, maxScore: max, ratio: score, rank, peerRank: peer, present }));
  return viewOf(nextId++, new Date(Date.UTC(2026, 10, nextId)), `hash${nextId}`, obs);
}

function input(current: SnapshotView, history: SnapshotView[] = [], rules: unknown = {}, extra: Partial<RuleInput> = {}): RuleInput {
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
    const cur = viewOf(ckmb.snapshotId, ckmb.capturedAt, 'h', [...ckmb.observations.values(), ...snap([['H19.01', 60]]).observations.values()]);
    const f = floorFindings(input(cur, [], { floor: { metrics: ['CKMB'], warnRatio: 0, criticalRatio: 50 } }));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'critical', threshold: 9, value: 8.65 });
    expect(f[0]!.message).toContain('8,65/18');
  });

  it('warnRatio 0 disables the warning level; overrides apply by glob', () => {
    const cur = snap([['H19.01', 55], ['H19.101', 47]]);
    const f = floorFindings(input(cur, [], { floor: { warnRatio: 0, criticalRatio: 50 }, overrides: [{ unit: 'H19.1*', floor: { criticalRatio: 45 } }] }));
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
    const f = consecutiveDeclinesFindings(input(views[2]!, [views[1]!, views[0]!], { consecutiveDeclines: { steps: 2, minPoints: 0.5 } }));
    expect(f.length).toBe(alert ? 1 : 0);
  });

  it('needs steps + 1 points', () => {
    expect(consecutiveDeclinesFindings(input(snap([['H19.01', 40]]), [snap([['H19.01', 60]])]))).toEqual([]);
  });
});

describe('rankDrop', () => {
  it('among all units (scope province), boundary at exactly `places`', () => {
    const prev = snap([['H19.01', 80, 2, 1], ['H19.101', 70, 5, 1]]);
    const cur = snap([['H19.01', 60, 12, 3], ['H19.101', 69, 14, 2]]);
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
    const i = input(snap([['H19', 50]]), [snap([['H19', 67]])], { rankDrop: { places: 10 } }, { nationalCurrent: natCur, nationalHistory: [natPrev] });
    expect(rankDropFindings(i)).toEqual([]);
    const f = nationalRankDropFindings(i);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'nationalRankDrop', unitCode: 'H19', value: 14, previous: 2 });
    expect(f[0]!.message).toContain('toàn quốc');
  });
});

describe('target', () => {
  it('below an assigned target, by unit glob', () => {
    const f = targetFindings(input(snap([['H19.01', 79.99], ['H19.101', 80]]), [], { target: [{ unit: 'H19.*', metric: 'TOTAL', value: 80 }] }));
    expect(f.map((x) => x.unitCode)).toEqual(['H19.01']);
  });
});

describe('coverage (source health)', () => {
  it('a unit present last cycle and missing now, and a metric missing from its endpoint', () => {
    const prev = snap([['H19.01', 70], ['H19.101', 60]]);
    const cur = viewOf(99, new Date(), 'h', [
      { unitCode: 'H19.01', metric: 'TOTAL', score: 70, maxScore: 100, ratio: 70, rank: 1, peerRank: 1, present: true },
      { unitCode: 'H19.01', metric: 'CLGQ', score: null, maxScore: 12, ratio: null, rank: null, peerRank: null, present: false },
    ]);
    const f = coverageFindings(input(cur, [prev]));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ kind: 'source', rule: 'source.coverage', unitCode: 'H19' });
    expect(f[0]!.evidence).toMatchObject({ vanishedUnits: ['H19.101'], missingMetrics: ['H19.01 CLGQ'] });
  });

  it('evidence carries capture times, the raw hash and the portal page', () => {
    const f = evaluateRules(input(snap([['H19.01', 10]]), [snap([['H19.01', 90]])]));
    for (const x of f) expect(x.evidence).toMatchObject({ rawHash: expect.any(String), capturedAt: expect.any(String), portalPage: expect.stringContaining('dichvucong') });
  });
});
