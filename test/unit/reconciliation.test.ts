import { describe, expect, it } from 'vitest';
import { reconcile, reconciliationFindings } from '../../src/rules/reconciliation.ts';
import { NameMatcher, normalizeUnitName, parseViNumber } from '../../src/sources/provincial/text.ts';
import { type Observation as ObsPoint, viewOf } from '../../src/domain/observations.ts';

function o(unitCode: string, metric: string, f: Partial<ObsPoint>): ObsPoint {
  return {
    unitCode,
    metric,
    score: null,
    maxScore: null,
    ratio: null,
    rank: null,
    peerRank: null,
    present: true,
    numerator: null,
    denominator: null,
    ...f,
  };
}

describe('reconciliation table', () => {
  const national = viewOf(1, new Date('2026-11-30T00:00:00Z'), 'n', [
    o('H19.01', 'SO_HOA_GIAY_TO_GIAI_QUYET', { ratio: 52.01 }),
    o('H19.08', 'SO_HOA_GIAY_TO_GIAI_QUYET', { ratio: 58.77 }),
    o('H19.05', 'SO_HOA_GIAY_TO_GIAI_QUYET', { ratio: 60 }),
    o('H19.05', 'ON_TIME', { numerator: 1618, denominator: 3375 }),
    o('H19.07', 'ON_TIME', { numerator: 0, denominator: 0 }),
    o('H19.09', 'SO_HOA_GIAY_TO_GIAI_QUYET', { ratio: null, numerator: 0, denominator: 0 }),
  ]);
  const provincial = viewOf(2, new Date('2026-11-30T01:00:00Z'), 'p', [
    o('H19.01', 'PROV_DIGITIZATION', { ratio: 52.01 }), // equal
    o('H19.08', 'PROV_DIGITIZATION', { ratio: 99.9 }), // the seed notice's gap
    o('H19.05', 'PROV_DIGITIZATION', { ratio: 70 }), // exactly at tolerance: inside
    o('H19.05', 'PROV_RECEIVED', { numerator: 4219 }), // 844 dossiers not synced
    o('H19.07', 'PROV_RECEIVED', { numerator: 0 }), // zero on both sides
    o('H19.09', 'PROV_DIGITIZATION', { ratio: 80 }), // national null (0/0)
    o('H19.99', 'PROV_RECEIVED', { numerator: 10 }), // national missing
  ]);
  const rows = reconcile(provincial, national, 10);
  const row = (u: string, m: string) => rows.find((r) => r.unitCode === u && r.metric === m)!;

  it.each([
    ['H19.01', 'PROV_DIGITIZATION', 'ok', 0],
    ['H19.08', 'PROV_DIGITIZATION', 'outside', 41.13],
    ['H19.05', 'PROV_DIGITIZATION', 'ok', 10],
    ['H19.05', 'PROV_RECEIVED', 'outside', 20],
    ['H19.07', 'PROV_RECEIVED', 'ok', 0],
    ['H19.09', 'PROV_DIGITIZATION', 'missing-national', null],
    ['H19.99', 'PROV_RECEIVED', 'missing-national', null],
  ])('%s %s → %s (gap %s points)', (u, m, status, gapPoints) => {
    expect(row(u, m)).toMatchObject({ status, gapPoints });
  });

  it('counts show the gap in dossiers (the ones not synced)', () => {
    expect(row('H19.05', 'PROV_RECEIVED')).toMatchObject({ provincial: 4219, national: 3375, gap: 844 });
  });

  it('findings for the rows outside tolerance, with both figures and both capture times', () => {
    const f = reconciliationFindings(rows, {
      periodKey: 'year-2026',
      tolerancePoints: 10,
      provincialAt: provincial.capturedAt,
      nationalAt: national.capturedAt,
      portalUrl: 'x',
    });
    expect(f.map((x) => `${x.unitCode} ${x.metric}`)).toEqual(['H19.05 PROV_RECEIVED', 'H19.08 PROV_DIGITIZATION']);
    expect(f[1]).toMatchObject({ kind: 'discrepancy', value: 99.9, previous: 58.77 });
    expect(f[1]!.message).toBe(
      'Tỷ lệ số hóa hồ sơ: Cổng tỉnh 99,90%, Cổng quốc gia 58,77% — chênh lệch 41,13 điểm % (ngưỡng 10,00)',
    );
    expect(f[1]!.evidence).toMatchObject({
      provincialCapturedAt: '2026-11-30T01:00:00.000Z',
      nationalCapturedAt: '2026-11-30T00:00:00.000Z',
    });
  });
});

describe('provincial text', () => {
  it.each([
    ['1.234', 1234],
    ['58,77 %', 58.77],
    ['58,77%', 58.77],
    ['1.234,5', 1234.5],
    ['1,234.5', 1234.5],
    ['0', 0],
    ['', null],
    ['—', null],
  ])('%s → %s', (text, value) => {
    expect(parseViNumber(text)).toBe(value);
  });

  it('rejects text that is not a number', () => {
    expect(() => parseViNumber('abc')).toThrow(/not a number/);
  });

  it('matches names whatever the case, "UBND" prefix or province suffix; ambiguous names never match', () => {
    const m = new NameMatcher([
      { code: 'H19.08', names: ['Sở Tư pháp - thành phố Đồng Nai'] },
      { code: 'H19.111', names: ['UBND Xã Bù Gia Mập', 'UBND xã Bù Gia Mập'] },
      { code: 'H19.120', names: ['UBND xã Tân Lập'] },
      { code: 'H19.121', names: ['UBND xã Tân Lập - tỉnh Đồng Nai'] },
    ]);
    expect(m.match('SỞ TƯ PHÁP - TỈNH ĐỒNG NAI')).toBe('H19.08');
    expect(m.match('Ủy ban nhân dân xã Bù Gia Mập')).toBe('H19.111');
    expect(m.match('xa Bu Gia Map')).toBeNull();
    expect(m.match('UBND xã Tân Lập')).toBeNull();
    expect(normalizeUnitName('UBND  Xã   Đắk Ơ'.normalize('NFD'))).toBe('xã đắk ơ');
  });
});
