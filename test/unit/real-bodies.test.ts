/**
 * The real portal answers of test/fixtures/real/ (Phú Thọ 2026-09-26, the national ranking of
 * 2026-09-17): what "không phát sinh" looks like in them and how chiso766 reads it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_COUNTERS, unitActivity } from '../../src/domain/activity.ts';
import { displayUnitName } from '../../src/domain/names.ts';
import { parseNational, parseProvince, validateResponse } from '../../src/sources/dvcqg/parse.ts';
import { FIXTURES } from '../helpers/paths.ts';
import type { FullObservation as ParsedObservation } from '../../src/domain/observations.ts';
import type { ParsedScope } from '../../src/sources/source.ts';

const REAL = path.join(FIXTURES, 'real');
const ROOT_H44 = '019d2be3-6a88-732b-8b17-b68020c8553a';
const raw = (f: string) => readFileSync(path.join(REAL, f));
const data = (f: string, endpoint: Parameters<typeof validateResponse>[1], scope = 'H44') =>
  validateResponse(f, endpoint, scope, scope === 'national' ? null : ROOT_H44, raw(f));

describe('the real bodies are the ones the README lists', () => {
  it.each([
    ['qd766-H44/dvc-progress-tree/year-all.json', '7550229899474f38191243c44f7e38b5588526a6b41f2fe346582363bf202264'],
    ['qd766-H44/provide-online-tree/year-all.json', 'bfd90891e6ce8640cbc25b4b0bc7fcd1f354f4a7cc02f9eccf9b74f9666e6430'],
    [
      'qd766-H44/formality-online-payment-tree/year-all.json',
      '8397820a55a8e8a75ff73f51fb3b7082f9e91418f7120e438c80b1bc558a098c',
    ],
    ['national/service-results.2026-09-17.json', '0b8de2e914e6e49ffb984b0f1148cad425a8ec2d5bf1dda873396c3942761e0c'],
  ])('%s', (file, sha) => {
    expect(createHash('sha256').update(raw(file)).digest('hex')).toBe(sha);
  });
});

describe('Phú Thọ year 2026 (real trees): activity per group', () => {
  // The province summary is not among the saved bodies: one is made from the trees' own units so
  // the real group answers can be parsed as a capture is.
  const progress = data('qd766-H44/dvc-progress-tree/year-all.json', 'dvc-progress-tree') as {
    children: { departmentId: string; departmentName: string; departmentCode: string; level: string }[];
  };
  const summary = {
    overview: {
      departmentName: 'UBND tỉnh Phú Thọ',
      departmentCode: 'H44',
      totalScore: 60,
      totalMaxScore: 100,
      ratio: 60,
    },
    radar: [],
    evaluation: progress.children.map((c) => ({
      departmentId: c.departmentId,
      departmentName: c.departmentName,
      departmentCode: c.departmentCode,
      totalScore: 60,
      ratio: 60,
      childGroup: c.level === 'PROVINCE' ? 'AGENCY' : 'COMMUNE',
    })),
  };
  const parsed: ParsedScope = parseProvince('H44', {
    'service-results': [summary],
    'dvc-progress-tree': [progress],
    'provide-online-tree': [data('qd766-H44/provide-online-tree/year-all.json', 'provide-online-tree')],
    'formality-online-payment-tree': [
      data('qd766-H44/formality-online-payment-tree/year-all.json', 'formality-online-payment-tree'),
    ],
  });
  const byUnit = new Map<string, Map<string, ParsedObservation>>();
  for (const o of parsed.observations) {
    if (!byUnit.has(o.unitCode)) byUnit.set(o.unitCode, new Map());
    byUnit.get(o.unitCode)!.set(o.metric, o);
  }
  const activity = (code: string) => unitActivity((m) => byUnit.get(code)!.get(m));
  const units = [...byUnit.keys()].filter((c) => c !== 'H44');

  it('163 units; TDGQ and CLGQ without activity: exactly H44.23 (totalReceived 0)', () => {
    expect(units).toHaveLength(163);
    expect(units.filter((u) => activity(u).groups.TDGQ === 'inactive')).toEqual(['H44.23']);
    expect(units.filter((u) => activity(u).groups.CLGQ === 'inactive')).toEqual(['H44.23']);
    expect(units.filter((u) => activity(u).groups.TDGQ === 'active')).toHaveLength(162);
  });

  it('TTTT without activity: the six units with totalDossierFinancialObligation 0 (and no fee dossier)', () => {
    expect(units.filter((u) => activity(u).groups.TTTT === 'inactive').sort()).toEqual([
      'H44.01',
      'H44.13',
      'H44.23',
      'H44.42',
      'H44.43',
      'H44.46',
    ]);
  });

  it('a unit that received dossiers is active in every dossier group but TTTT, whatever their own counters say', () => {
    expect(activity('H44.100').groups).toMatchObject({
      CKMB: 'active',
      MDHL: 'active',
      MDSH: 'active',
      TDGQ: 'active',
    });
    expect(activity('H44.01').groups).toMatchObject({ TDGQ: 'active', CKMB: 'active', TTTT: 'inactive' });
    expect(activity('H44.01').unit).toBe('active');
    // H44.23 received nothing and (in this capture) has no other counter: no dossiers at all.
    expect(activity('H44.23').unit).toBe('inactive');
  });

  it('without any counter (no tree in the capture) activity is unknown and the figures are judged as given', () => {
    expect(unitActivity(() => undefined)).toMatchObject({ unit: 'unknown', inactiveGroups: [] });
  });

  it('the raw 0s stay as given; a ratio over 0 received is stored as no ratio', () => {
    const tdgq = byUnit.get('H44.23')!.get('TDGQ')!;
    expect(tdgq).toMatchObject({ score: 0, numerator: 0, denominator: 0, ratio: null });
    expect(byUnit.get('H44.23')!.get('ON_TIME')).toMatchObject({ numerator: 0, denominator: 0, ratio: null });
    expect(byUnit.get('H44.01')!.get('TTTT')).toMatchObject({ score: 0 });
    expect(byUnit.get('H44.01')!.get('ONLINE_PAYMENT_DOSSIER')).toMatchObject({
      numerator: 0,
      denominator: 0,
      ratio: null,
    });
  });

  it('ranks on a group leave out the units with no activity in it (they are not tied with units that failed)', () => {
    expect(byUnit.get('H44.23')!.get('TDGQ')!.rank).toBeNull();
    expect(byUnit.get('H44.01')!.get('TTTT')!.rank).toBeNull();
    const ranked = units.map((u) => byUnit.get(u)!.get('TTTT')!.rank).filter((r) => r !== null);
    expect(ranked).toHaveLength(157);
    expect(Math.max(...(ranked as number[]))).toBeLessThanOrEqual(157);
  });

  it('the activity table names the portal fields it reads', () => {
    expect(ACTIVITY_COUNTERS.TDGQ[0]!.portalField).toContain('totalReceived');
    expect(ACTIVITY_COUNTERS.TTTT.map((c) => c.portalField).join(' ')).toContain('totalDossierFinancialObligation');
    expect(ACTIVITY_COUNTERS.MDHL.map((c) => c.portalField).join(' ')).toMatch(/totalDossiers.*totalPetitions/);
  });
});

describe('the national ranking of 2026-09-17 (real)', () => {
  const parsed = parseNational(data('national/service-results.2026-09-17.json', 'service-results', 'national'));
  it('"điểm bình quân cả nước" is the mean of the 34 totals; the portal\'s own figure is kept apart', () => {
    expect(parsed.meta.nationalAverage).toBe(61.55);
    expect(parsed.meta.nationalScore).toBe(56.56);
  });
});

describe('unit names as readers expect them (raw names from the real bodies)', () => {
  it.each([
    ['Văn phòng UBND Tỉnh - Tỉnh Phú Thọ', 'Văn phòng UBND tỉnh'],
    ['Sở Công Thương - Tỉnh Phú Thọ', 'Sở Công Thương'],
    ['UBND Phường Việt Trì', 'UBND phường Việt Trì'],
    ['UBND xã Hy Cương', 'UBND xã Hy Cương'],
    ['UBND Xã Lâm Thao - Tỉnh Phú Thọ', 'UBND xã Lâm Thao'],
    ['Sở Xây dựng - thành phố Đồng Nai (H19.05)', 'Sở Xây dựng'],
    ['UBND Thành phố Đồng Nai', 'UBND thành phố Đồng Nai'],
    ['UBND tỉnh Phú Thọ', 'UBND tỉnh Phú Thọ'],
    ['UBND Đặc khu Phú Quốc', 'UBND đặc khu Phú Quốc'],
    ['Thanh tra tỉnh - Tỉnh Phú Thọ', 'Thanh tra tỉnh'],
    ['UBND xã Long Bình - Đồng Nai', 'UBND xã Long Bình'],
    ['Trung tâm Phục vụ hành chính công - Chi nhánh 2', 'Trung tâm Phục vụ hành chính công - Chi nhánh 2'],
  ])('%s → %s', (raw, shown) => {
    expect(displayUnitName(raw)).toBe(shown);
  });
});
