/**
 * A synthetic national capture with the real shape of every DVCQG endpoint and the real unit
 * counts of the 34 provinces (docs/dvcqg-api.md §9): what the benchmarks fetch, parse and store.
 * Deterministic (seeded), so two runs measure the same work.
 */
import { GROUP_CODES } from '../src/domain/metrics.ts';
import { PROVINCES, type Province } from '../src/domain/provinces.ts';
import type { ReplayCapture } from '../src/offline/replay.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const MAX: Record<string, number> = { CKMB: 18, TDGQ: 20, CLGQ: 12, TTTT: 10, MDHL: 18, MDSH: 22 };

export interface SyntheticUnit {
  code: string;
  id: string;
  name: string;
  group: 'AGENCY' | 'COMMUNE';
  groups: Record<string, number>;
  total: number;
}

function uuid(n: number): string {
  const h = n.toString(16).padStart(12, '0');
  return `019d2be3-6a85-74ec-a342-${h}`;
}

/** Units of a province: departments Hxx.01.., communes Hxx.101.. (Hxx.2NN beyond 99). */
export function syntheticUnits(p: Province, scale = 1, seed = 1): SyntheticUnit[] {
  const rand = rng(seed + Number(p.code.slice(1)) * 7919);
  const d = Math.max(1, Math.round(p.departments * scale));
  const c = Math.max(1, Math.round(p.communes * scale));
  const units: SyntheticUnit[] = [];
  const mk = (code: string, name: string, group: 'AGENCY' | 'COMMUNE', n: number) => {
    const groups = Object.fromEntries(GROUP_CODES.map((g) => [g, r2(MAX[g]! * (0.35 + 0.6 * rand()))]));
    units.push({
      code,
      id: uuid(Number(p.code.slice(1)) * 100000 + n),
      name,
      group,
      groups,
      total: r2(Object.values(groups).reduce((a, b) => a + b, 0)),
    });
  };
  for (let i = 1; i <= d; i++)
    mk(`${p.code}.${String(i).padStart(2, '0')}`, `Sở số ${i} - tỉnh ${p.name}`, 'AGENCY', i);
  for (let i = 1; i <= c; i++)
    mk(`${p.code}.${i <= 99 ? 100 + i : 200 + (i - 99)}`, `UBND xã Số ${i} - tỉnh ${p.name}`, 'COMMUNE', 1000 + i);
  return units;
}

function metricsA(kind: 'transparency' | 'satisfaction' | 'digitized', rand: () => number, received: number) {
  const m = (code: string, max: number) => {
    const den = received;
    const num = Math.round(den * (0.3 + 0.7 * rand()));
    const ratio = den ? r2((num / den) * 100) : null;
    return {
      code,
      name: code,
      numerator: num,
      denominator: den,
      ratio,
      score: ratio === null ? null : r2((max * num) / Math.max(den, 1)),
      maxScore: max,
    };
  };
  if (kind === 'transparency')
    return [m('PUBLISH_ON_TIME', 6), m('PUBLIC_UPDATE_ON_TIME', 4), m('PUBLIC_CONTENT_FULL', 2), m('DOSSIER_SYNC', 6)];
  if (kind === 'satisfaction')
    return [
      { ...m('PETITION_CLASSIFICATION_TTHC', 0), score: null },
      m('DOSSIER_RECEIVING_SATISFACTION', 6),
      m('PETITION_PROCESSING_ON_TIME', 6),
      m('PETITION_HANDLING_SATISFACTION', 6),
      { ...m('PETITION_CLASSIFICATION_STAFF', 0), score: null },
    ];
  return [
    m('ORIGINAL_RESULT_AVAILABLE', 6),
    m('SO_HOA_GIAY_TO_GIAI_QUYET', 4),
    m('REUSED_DIGITIZED_DATA', 2),
    m('SYNCED_WITH_DVCQG_PERSONAL_STORAGE', 4),
    m('CITIZEN_DATA_CONNECTED_DOSSIER', 2),
    m('CITIZEN_DATA_CONNECTED_FORMALITY', 2),
    {
      code: 'ELECTRONIC_CERTIFIED_COPY',
      name: 'ELECTRONIC_CERTIFIED_COPY',
      numerator: null,
      denominator: null,
      ratio: 100,
      score: 2,
      maxScore: 2,
    },
  ];
}

const envelope = (data: unknown) => Buffer.from(JSON.stringify({ code: 'OK', data, message: 'OK' }));

/** The 8 answers per province (+ the national summary) as a replayable capture. */
export function syntheticCapture(
  provinces: readonly string[],
  opts: { scale?: number; seed?: number; year?: number } = {},
): { capture: ReplayCapture; units: number } {
  const year = opts.year ?? 2026;
  const entries: ReplayCapture['entries'] = [];
  const add = (endpoint: string, payload: Record<string, unknown>, data: unknown) =>
    entries.push({
      file: `${endpoint}.json`,
      endpoint,
      payload,
      httpStatus: 201,
      contentType: 'application/json; charset=utf-8',
      body: envelope(data),
    });
  let unitCount = 0;
  const nationalRows = PROVINCES.map((p) => {
    const units = provinces.includes(p.code)
      ? syntheticUnits(p, opts.scale, opts.seed)
      : syntheticUnits(p, 0.01, opts.seed);
    const groups = Object.fromEntries(
      GROUP_CODES.map((g) => [g, r2(units.reduce((s, u) => s + u.groups[g]!, 0) / units.length)]),
    );
    const total = r2(Object.values(groups).reduce((a, b) => a + b, 0));
    return {
      departmentId: p.rootDepartmentId,
      departmentName: `UBND tỉnh ${p.name}`,
      departmentCode: p.code,
      totalScore: total,
      ratio: total,
      scoreDelta: 1.5,
      groupScores: groups,
    };
  }).sort((a, b) => b.totalScore - a.totalScore);
  add(
    'service-results',
    { timeType: 'year', year, departmentType: 'ADMINISTRATIVE_UNIT' },
    {
      overview: { departmentName: 'Cả nước', departmentCode: null, totalScore: 58, totalMaxScore: 100, ratio: 58 },
      growthPercent: 3.1,
      radar: GROUP_CODES.map((g) => ({ code: g, name: g, score: MAX[g]! / 2, maxScore: MAX[g] })),
      evaluation: nationalRows,
    },
  );
  for (const code of provinces) {
    const p = PROVINCES.find((x) => x.code === code)!;
    const units = syntheticUnits(p, opts.scale, opts.seed);
    unitCount += units.length;
    const rand = rng((opts.seed ?? 1) * 31 + Number(code.slice(1)));
    const root = p.rootDepartmentId;
    const body = (extra: Record<string, unknown>) => ({
      timeType: 'year',
      year,
      rootDepartmentId: root,
      currentPage: 1,
      ...extra,
    });
    const avg = (g: string) => r2(units.reduce((s, u) => s + u.groups[g]!, 0) / units.length);
    const provinceTotal = r2(GROUP_CODES.reduce((s, g) => s + avg(g), 0));
    const byTotal = [...units].sort((a, b) => b.total - a.total);
    add('service-results', body({ pageSize: 300 }), {
      overview: {
        departmentName: `UBND tỉnh ${p.name}`,
        departmentCode: code,
        totalScore: provinceTotal,
        totalMaxScore: 100,
        ratio: provinceTotal,
      },
      radar: GROUP_CODES.map((g) => ({ code: g, name: g, score: avg(g), maxScore: MAX[g] })),
      evaluation: byTotal.map((u) => ({
        departmentId: u.id,
        departmentName: u.name,
        departmentCode: u.code,
        totalScore: u.total,
        ratio: u.total,
        scoreDelta: null,
        childGroup: u.group,
      })),
    });
    const received = units.map(() => 500 + Math.round(rand() * 20000));
    const shapeA = (kind: 'transparency' | 'satisfaction' | 'digitized', group: string, withCode: boolean) => {
      const rows = units.map((u, i) => ({
        stt: i + 1,
        departmentId: u.id,
        departmentName: u.name,
        ...(withCode ? { departmentCode: u.code } : {}),
        departmentType: u.group === 'AGENCY' ? 'PROVINCIAL_DEPARTMENT' : 'COMMUNE_PEOPLE_COMMITTEE',
        departmentLevel: u.group === 'AGENCY' ? 'PROVINCE' : 'COMMUNE',
        agencyLevel: 'level_2',
        totalScore: u.groups[group],
        totalMaxScore: MAX[group],
        ratio: r2((u.groups[group]! / MAX[group]!) * 100),
        scoreDelta: null,
        metrics: metricsA(kind, rand, received[i]!),
      }));
      return {
        overview: {
          stt: 1,
          departmentId: root,
          departmentName: `UBND tỉnh ${p.name}`,
          ...(withCode ? { departmentCode: code } : {}),
          departmentType: 'PROVINCE',
          totalScore: avg(group),
          totalMaxScore: MAX[group],
          ratio: r2((avg(group) / MAX[group]!) * 100),
          scoreDelta: null,
          metrics: metricsA(
            kind,
            rand,
            received.reduce((a, b) => a + b, 0),
          ),
        },
        evaluation: rows,
        pagination: { total: rows.length, currentPage: 1, pageSize: 300, totalPages: 1 },
        source: 'synthetic',
      };
    };
    add('transparency', body({ pageSize: 300 }), shapeA('transparency', 'CKMB', false));
    add(
      'handling-satisfaction',
      { fromDate: `${year}-01-01`, toDate: `${year}-12-31`, rootDepartmentId: root, currentPage: 1, pageSize: 300 },
      shapeA('satisfaction', 'MDHL', false),
    );
    add('dossier-digitized', body({ pageSize: 300 }), shapeA('digitized', 'MDSH', true));
    const totalReceived = received.reduce((a, b) => a + b, 0);
    const onTime = received.map((r, i) => Math.round((r * units[i]!.groups.TDGQ!) / 20));
    add('dvc-progress-tree', body({ pageSize: 300 }), {
      parent: {
        departmentId: root,
        departmentName: `UBND tỉnh ${p.name}`,
        departmentCode: code,
        totalReceived,
        totalOnTime: onTime.reduce((a, b) => a + b, 0),
        totalCompleted: totalReceived,
        avgProcessingDays: 6,
        ratio: 70,
        totalScore: avg('TDGQ'),
        totalMaxScore: 20,
      },
      children: units.map((u, i) => ({
        departmentId: u.id,
        departmentName: u.name,
        departmentCode: u.code,
        level: u.group === 'AGENCY' ? 'PROVINCE' : 'COMMUNE',
        totalReceived: received[i],
        totalOnTime: onTime[i],
        totalOverdue: received[i]! - onTime[i]!,
        avgProcessingDays: 6,
        ratio: r2((onTime[i]! / received[i]!) * 100),
        score: u.groups.TDGQ,
        maxScore: 20,
        scoreDelta: null,
      })),
      monthlyChart: [],
    });
    add('provide-online-tree', body({ pageSize: 300 }), {
      parent: {
        departmentId: root,
        departmentName: `UBND tỉnh ${p.name}`,
        departmentCode: code,
        totalScore: avg('CLGQ'),
        totalMaxScore: 12,
        ratio: 70,
        authorityCount: 64,
        partialCount: 29,
        fullCount: 28,
        onlineDossierCount: 455,
        onlineServiceTotal: 2012,
        channelOnlineSum: Math.round(totalReceived * 0.95),
        channelDirectSum: Math.round(totalReceived * 0.05),
        channelPostalSum: 0,
        channelTotalSum: totalReceived,
        onlineOnTimeSum: 0,
        onlineOverdueSum: 0,
      },
      children: units.map((u) => ({
        departmentId: u.id,
        departmentName: u.name,
        departmentCode: u.code,
        level: u.group === 'AGENCY' ? 'PROVINCE' : 'COMMUNE',
        totalScore: u.groups.CLGQ,
        totalMaxScore: 12,
        ratio: r2((u.groups.CLGQ! / 12) * 100),
        scoreDelta: null,
      })),
      monthlyChart: [],
    });
    const pay = (score: number, i: number) => ({
      totalScore: score,
      totalMaxScore: 10,
      ratio: r2(score * 10),
      totalDossierOnlinePaymentSuccess: Math.round(received[i % received.length]! * 0.6),
      totalDossierFinancialObligation: Math.round(received[i % received.length]! * 0.7),
      totalDossierOnlineFormalityPaymentSuccess: 4,
      totalFeeDossierFormalityDistinct: 14,
      totalFeeDossierFormality: 2,
      totalFeeFormality: 14,
    });
    add('formality-online-payment-tree', body({ pageSize: 300 }), {
      parent: {
        departmentId: root,
        departmentName: `UBND tỉnh ${p.name}`,
        departmentCode: code,
        ...pay(avg('TTTT'), 0),
      },
      children: units.map((u, i) => ({
        departmentId: u.id,
        departmentName: u.name,
        departmentCode: u.code,
        level: u.group === 'AGENCY' ? 'PROVINCE' : 'COMMUNE',
        ...pay(u.groups.TTTT!, i),
        scoreDelta: null,
      })),
    });
  }
  return { capture: { name: 'synthetic', dir: '(memory)', entries }, units: unitCount };
}
