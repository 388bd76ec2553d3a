import { describe, expect, it } from 'vitest';
import { alertNow, buildBulletin, classifyTrend, rankUnits, type BulletinInput } from '../../src/report/model.ts';
import { trendSentences } from '../../src/report/sentences.ts';
import { resolveFrame } from '../../src/report/frame.ts';
import { fileSchema } from '../../src/config/schema.ts';

const bulletinDefaults = fileSchema.parse({}).bulletin;
import { type Observation as ObsPoint, viewOf } from '../../src/domain/observations.ts';

function obs(unitCode: string, metric: string, score: number | null, ratio: number | null = score): ObsPoint {
  return { unitCode, metric, score, maxScore: 100, ratio, rank: null, peerRank: null, present: true };
}

describe('counting what rose, fell, stayed (nulls included)', () => {
  it.each([
    [{ current: 80, change: 1.2 }, 'rose'],
    [{ current: 80, change: -0.7 }, 'fell'],
    [{ current: 80, change: 0 }, 'unchanged'],
    [{ current: 100, change: 0 }, 'at100'],
    [{ current: 100, change: 2 }, 'rose'],
    [{ current: 79.72, change: 0 }, 'unchanged'], // the seed notice's slip: 79,72 is not 100 %
    [{ current: null, change: null }, 'noData'],
    [{ current: 100, change: null }, 'at100'],
  ] as const)('%j → %s', (row, trend) => {
    expect(classifyTrend(row)).toBe(trend);
  });

  it('sentences count exactly the listed items', () => {
    const p = 'H19';
    const current = viewOf(1, new Date('2026-11-23T00:00:00Z'), 'a', [
      obs(p, 'TOTAL', 60),
      obs(p, 'ELECTRONIC_CERTIFIED_COPY', 2, 100),
      obs(p, 'PETITION_PROCESSING_ON_TIME', 6, 100),
      obs(p, 'ONLINE_PROVISION_FULL', null, 79.72),
      obs(p, 'DOSSIER_SYNC', 5, 95),
      obs(p, 'REUSED_DIGITIZED_DATA', 1, 89.1),
    ]);
    const previous = viewOf(0, new Date('2026-11-16T00:00:00Z'), 'b', [
      obs(p, 'TOTAL', 59),
      obs(p, 'ELECTRONIC_CERTIFIED_COPY', 2, 100),
      obs(p, 'PETITION_PROCESSING_ON_TIME', 6, 100),
      obs(p, 'ONLINE_PROVISION_FULL', null, 79.72),
      obs(p, 'DOSSIER_SYNC', 5, 90),
      obs(p, 'REUSED_DIGITIZED_DATA', 1, 89.8),
    ]);
    const input: BulletinInput = {
      province: { code: p, name: 'UBND tỉnh X' },
      periodLabel: 'năm 2026',
      timezone: 'Asia/Ho_Chi_Minh',
      generatedAt: new Date(0),
      current,
      previous,
      baseline: { year: 2025, view: null },
      nationalCurrent: null,
      nationalPrevious: null,
      units: [],
      openAlerts: [],
      frame: resolveFrame(bulletinDefaults, 'H19'),
      trend: [],
      reconciliation: null,
    };
    const m = buildBulletin(input);
    const s = trendSentences(m);
    expect(s.find((x) => x.includes('giữ tỷ lệ đạt 100%'))).toMatch(
      /^Có 02 chỉ số đang giữ tỷ lệ đạt 100% gồm: [^;]+; [^;]+\.$/,
    );
    expect(s.find((x) => x.includes('giảm gồm'))).toBe(
      'Có 01 chỉ số giảm gồm: Tỷ lệ hồ sơ khai thác, sử dụng lại thông tin, dữ liệu số hóa (-0,70).',
    );
    expect(s.find((x) => x.includes('tăng gồm'))).toBe(
      'Có 01 chỉ số tăng gồm: Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG (+5,00).',
    );
    expect(s.find((x) => x.includes('không thay đổi'))).toMatch(
      /^Có 01 chỉ số không thay đổi gồm: Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến toàn trình\.$/,
    );
  });
});

describe('units ranked by TOTAL', () => {
  function input(rows: [string, string, number | null, number | null][]): BulletinInput {
    const cur = viewOf(
      2,
      new Date(),
      'c',
      rows.filter((r) => r[2] !== null).map((r) => obs(r[0], 'TOTAL', r[2])),
    );
    const prev = viewOf(
      1,
      new Date(),
      'p',
      rows.filter((r) => r[3] !== null).map((r) => obs(r[0], 'TOTAL', r[3])),
    );
    return {
      province: { code: 'H19', name: 'x' },
      periodLabel: '',
      timezone: 'Asia/Ho_Chi_Minh',
      generatedAt: new Date(0),
      current: cur,
      previous: prev,
      baseline: { year: 2025, view: null },
      nationalCurrent: null,
      nationalPrevious: null,
      units: rows.map(([code, name]) => ({ code, name, kind: 'commune' as const })),
      openAlerts: [],
      frame: resolveFrame(bulletinDefaults, 'H19'),
      trend: [],
      reconciliation: null,
    };
  }

  it('ties share a rank, then Vietnamese alphabetical order; no data last', () => {
    const r = rankUnits(
      input([
        ['H19.103', 'UBND xã Đắk Ơ', 70, 72],
        ['H19.101', 'UBND xã Bù Gia Mập', 70, 69],
        ['H19.102', 'UBND xã Dầu Tiếng', 80, 80],
        ['H19.104', 'UBND xã Ân Thi', null, 60],
      ]),
      'commune',
    );
    expect(r.map((x) => [x.rank, x.name])).toEqual([
      [1, 'UBND xã Dầu Tiếng'],
      [2, 'UBND xã Bù Gia Mập'],
      [2, 'UBND xã Đắk Ơ'],
      [null, 'UBND xã Ân Thi'],
    ]);
    expect(r.find((x) => x.code === 'H19.104')!.status).toBe('không có dữ liệu');
    expect(r.find((x) => x.code === 'H19.103')!.biggestFaller).toBe(true);
  });
});

describe("the annex's figure of an open alert", () => {
  const base = {
    unitCode: 'H19.112',
    unitName: 'UBND xã Đắk Ơ',
    severity: 'critical',
    kind: 'indicator',
    previous: 38.6,
    message: 'x',
    sinceWeek: '2026-W47',
  };
  const view = viewOf(1, new Date(), 'a', [
    { ...obs('H19.112', 'TOTAL', 50.6), numerator: null, denominator: null },
    { ...obs('H19.112', 'ON_TIME', 50, 50), numerator: 5, denominator: 10 },
  ]);

  it('a floor alert held by the margin is not called below the floor', () => {
    expect(alertNow({ ...base, rule: 'floor', metric: 'TOTAL', value: 50.6, threshold: 50 }, view)).toBe(
      '50,60/100 (đã trên ngưỡng 50, chưa vượt đủ biên an toàn)',
    );
    expect(alertNow({ ...base, rule: 'floor', metric: 'TOTAL', value: 50.6, threshold: 55 }, view)).toBe(
      '50,60/100 (ngưỡng 55)',
    );
  });

  it('a discrepancy shows counts as dossiers and shares as percentages', () => {
    const gap = { ...base, rule: 'reconciliation', kind: 'discrepancy', threshold: 10 };
    expect(alertNow({ ...gap, metric: 'PROV_RECEIVED', value: 4219, previous: 3375 }, view)).toBe(
      'Cổng tỉnh 4.219 hồ sơ, Cổng quốc gia 3.375 hồ sơ',
    );
    expect(alertNow({ ...gap, metric: 'PROV_DIGITIZATION', value: 99.91, previous: 57.03 }, view)).toBe(
      'Cổng tỉnh 99,91%, Cổng quốc gia 57,03%',
    );
  });
});
