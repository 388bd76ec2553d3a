/**
 * The drill-down's pure parts on real and recorded bodies: the catalogue, per-procedure answers
 * (real Phú Thọ bodies and the Đồng Nai drill-down recordings), procedure selection, the budget,
 * shortfalls sorted as expected.json says, and the dossier problems of the iGate rows.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { viewOf } from '../../src/domain/observations.ts';
import type { GroupCode } from '../../src/domain/metrics.ts';
import { fallenGroups, planRequests, shortfallRows, unitProcedures } from '../../src/drilldown/plan.ts';
import {
  BREAKDOWNS,
  parseCataloguePage,
  parseProcedureAnswer,
  procedureRequest,
  type CatalogueItem,
} from '../../src/sources/dvcqg-drilldown/source.ts';
import { dossierProblems, dossierSearchRequest, parseDossierSlice } from '../../src/sources/provincial/dossiers.ts';
import { observation } from '../../src/domain/observations.ts';
import { EXPECTED_DRILLDOWN } from '../helpers/drilldown.ts';
import { FIXTURES, ROOT } from '../helpers/paths.ts';

const REAL = path.join(FIXTURES, 'real/qd766-H44');
const DRILL = path.join(ROOT, 'demo/dvcqg/capture-2026-11-23/drilldown');
const read = (p: string) => readFileSync(p);
const expected = EXPECTED_DRILLDOWN;

function catalogue(): CatalogueItem[] {
  return [1, 2, 3].flatMap((p) => parseCataloguePage('c', read(path.join(DRILL, `formalities.page-${p}.json`))).items);
}

/** The recorded answers for every procedure of these groups (as the drill-down would ask). */
function answersFor(groups: readonly GroupCode[], items: readonly CatalogueItem[]) {
  const manifest = JSON.parse(readFileSync(path.join(DRILL, 'manifest.json'), 'utf8')) as {
    entries: { file: string; endpoint: string; payload: Record<string, unknown> }[];
  };
  const out = [];
  for (const group of groups) {
    const b = BREAKDOWNS[group];
    if (!b) continue;
    for (const e of manifest.entries.filter((x) => x.endpoint === b.endpoint)) {
      const formality = items.find((i) => i.id === e.payload[b.key])!;
      out.push({ group, formality, counters: parseProcedureAnswer(group, e.file, read(path.join(DRILL, e.file))) });
    }
  }
  return out;
}

describe('DVCQG per procedure', () => {
  it('the catalogue: every page, names without "Thủ tục:", inactive items kept with their state', () => {
    const real = parseCataloguePage('last', read(path.join(REAL, 'formalities/page-last.json')));
    expect(real.totalPages).toBe(575);
    expect(real.items[0]).toMatchObject({ code: '6.006776', state: 'ACTIVE', appliedDepartmentIds: [] });
    expect(real.items[0]!.name).toMatch(/^Sử dụng tài sản kết cấu hạ tầng hàng hải/);
    const items = catalogue();
    expect(items).toHaveLength(52);
    expect(new Set(items.map((i) => i.state))).toEqual(new Set(['ACTIVE', 'UPDATED', 'INACTIVE']));
  });

  it('real Phú Thọ bodies filtered on 2.000815: counters of UBND phường Việt Trì per procedure', () => {
    const tdgq = parseProcedureAnswer('TDGQ', 'r', read(path.join(REAL, 'dvc-progress-tree/year-formality.json')));
    expect(tdgq.find((c) => c.unitCode === 'H44.100')).toEqual({
      unitCode: 'H44.100',
      metric: 'ON_TIME',
      numerator: 1423,
      denominator: 1482,
    });
    const tttt = parseProcedureAnswer(
      'TTTT',
      'r',
      read(path.join(REAL, 'formality-online-payment-tree/year-formality.json')),
    );
    // Dossier counters are filtered; the procedure counters (unfiltered in the real body) are not read.
    expect(tttt.find((c) => c.unitCode === 'H44.100')).toMatchObject({ numerator: 1317, denominator: 1482 });
  });

  it('the request spells the key as each endpoint wants it and never asks transparency or satisfaction', () => {
    const period = { type: 'year', year: 2026 } as const;
    const req = (group: GroupCode) =>
      JSON.parse(
        procedureRequest('https://dichvucong.gov.vn', {
          province: 'H19',
          period,
          group,
          formalityId: 'F',
          formalityCode: '2.000815',
        }).request.body!,
      ) as Record<string, unknown>;
    expect(req('TDGQ')).toMatchObject({ formalityId: 'F', timeType: 'year', year: 2026, currentPage: 1 });
    expect(req('MDSH')).toMatchObject({ formalityID: 'F' });
    expect(req('MDSH')).not.toHaveProperty('formalityId');
    expect(Object.keys(BREAKDOWNS).sort()).toEqual(['MDSH', 'TDGQ', 'TTTT']);
  });
});

describe('planning and shortfalls', () => {
  const items = catalogue();

  it("a unit's procedures: by its department id, inactive ones left out", () => {
    const mine = unitProcedures(items, expected.units['H19.106']!.departmentId);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((f) => f.state !== 'INACTIVE')).toBe(true);
    expect(unitProcedures(items, null)).toEqual([]);
  });

  it('one request per group and procedure, shared across units; groups without a breakdown named; the budget holds', () => {
    const units = ['H19.106', 'H19.05'].map((code) => ({
      code,
      departmentId: expected.units[code]!.departmentId,
      groups: expected.units[code]!.fallenGroups,
    }));
    const all = planRequests(units, items, 1000);
    const keys = all.requests.map((r) => `${r.group}|${r.formality.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(all.leftOut).toBe(0);
    expect(all.noBreakdown).toEqual(
      expect.arrayContaining([
        { unit: 'H19.106', group: 'CLGQ' },
        { unit: 'H19.05', group: 'CLGQ' },
        { unit: 'H19.05', group: 'MDHL' },
      ]),
    );
    const tight = planRequests(units, items, 5);
    expect(tight.requests).toHaveLength(5);
    expect(tight.leftOut).toBe(all.requests.length - 5);
    // The most severe unit first: the budget goes to its groups.
    expect(tight.requests.every((r) => unitProcedures(items, units[0]!.departmentId).includes(r.formality))).toBe(true);
  });

  it.each(['H19.106', 'H19.05'])('%s: procedures sorted by shortfall, as expected.json derives them', (code) => {
    const e = expected.units[code]!;
    const unit = { code, departmentId: e.departmentId, groups: e.fallenGroups };
    const rows = shortfallRows(unit, answersFor(e.fallenGroups, items), viewOf(1, new Date(), '', []), 12);
    // expected.json lists the first rows (the top of the list a unit reads), in order.
    expect(rows.length).toBeGreaterThanOrEqual(e.procedures.length);
    expect(
      rows
        .slice(0, e.procedures.length)
        .map((r) => [r.group, r.formalityCode, r.numerator, r.denominator, r.shortfall]),
    ).toEqual(e.procedures.map((p) => [p.group, p.formalityCode, p.numerator, p.denominator, p.shortfall]));
    expect(rows.every((r, i) => i === 0 || rows[i - 1]!.shortfall >= r.shortfall)).toBe(true);
  });

  it("rows that merely repeat the unit's own figure are dropped; procedures without activity are not listed", () => {
    const e = expected.units['H19.106']!;
    const unit = { code: 'H19.106', departmentId: e.departmentId, groups: ['TDGQ'] as GroupCode[] };
    const answers = answersFor(['TDGQ'], items);
    const first = shortfallRows(unit, answers, viewOf(1, new Date(), '', []), 12)[0]!;
    const own = viewOf(1, new Date(), '', [
      observation({
        unitCode: 'H19.106',
        metric: 'ON_TIME',
        numerator: first.numerator,
        denominator: first.denominator,
      }),
    ]);
    const rows = shortfallRows(unit, answers, own, 12);
    expect(rows.map((r) => r.formalityCode)).not.toContain(first.formalityCode);
    expect(rows.every((r) => r.denominator > 0 && r.shortfall > 0)).toBe(true);
  });

  it('fallen groups: lower than last time with activity both times, the most points lost first', () => {
    const cur = viewOf(1, new Date(), '', [
      observation({ unitCode: 'X', metric: 'TDGQ', score: 10 }),
      observation({ unitCode: 'X', metric: 'TTTT', score: 5 }),
      observation({ unitCode: 'X', metric: 'CKMB', score: 12 }),
      observation({ unitCode: 'X', metric: 'ON_TIME', numerator: 5, denominator: 10 }),
    ]);
    const prev = viewOf(0, new Date(), '', [
      observation({ unitCode: 'X', metric: 'TDGQ', score: 12 }),
      observation({ unitCode: 'X', metric: 'TTTT', score: 9 }),
      observation({ unitCode: 'X', metric: 'CKMB', score: 12 }),
      observation({ unitCode: 'X', metric: 'ON_TIME', numerator: 5, denominator: 10 }),
    ]);
    expect(fallenGroups('X', cur, prev)).toEqual(['TTTT', 'TDGQ']);
    expect(fallenGroups('X', cur, undefined)).toEqual([]);
    expect(fallenGroups('X', cur, undefined, new Set(['MDSH']))).toEqual(['MDSH']);
  });
});

describe('iGate dossiers needing action', () => {
  const rows = JSON.parse(readFileSync(path.join(ROOT, 'demo/igate/H19/dossier-search.json'), 'utf8')) as Parameters<
    typeof dossierProblems
  >[0][];
  const now = new Date('2026-11-23T04:12:00+07:00');

  it.each(['H19.106', 'H19.05'])('%s: overdue, unsynced and unpaid exactly as expected.json lists them', (code) => {
    const from = new Date('2026-01-01T00:00:00+07:00').getTime();
    const found = rows
      .filter((r) => (r as unknown as { agency: { code: string } }).agency.code === code)
      .flatMap((r) => dossierProblems(r, now))
      .filter((f) => !f.receivedAt || f.receivedAt.getTime() >= from);
    for (const problem of ['overdue', 'unsynced', 'unpaid'] as const)
      expect(
        found
          .filter((f) => f.problem === problem)
          .map((f) => f.code)
          .sort(),
      ).toEqual([...expected.units[code]!.dossiers[problem]].sort());
    expect(found.filter((f) => f.problem === 'unsynced').every((f) => f.nationCode === null)).toBe(true);
  });

  it('the search request: agency, period as dd/MM/yyyy, slice paging; the slice answer parsed', () => {
    const { request } = dossierSearchRequest('https://apidvc.tinh.gov.vn/', {
      agencyId: 'A1',
      fromDate: '2026-01-01',
      toDate: '2026-11-23',
      page: 2,
    });
    const u = new URL(request.url);
    expect(u.pathname).toBe('/pa/dossier/search');
    expect(Object.fromEntries(u.searchParams)).toMatchObject({
      'ancestor-agency-id': 'A1',
      'accepted-from': '01/01/2026',
      'accepted-to': '23/11/2026',
      spec: 'slice',
      page: '2',
    });
    expect(request.method).toBe('GET');
    const slice = parseDossierSlice('k', Buffer.from(JSON.stringify({ content: rows.slice(0, 3), last: true })));
    expect(slice).toMatchObject({ last: true });
    expect(slice.rows).toHaveLength(3);
  });
});
