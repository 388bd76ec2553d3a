/**
 * DVCQG 2026 responses → units + observations. Validation first (envelope, shape, root), then a
 * pure transformation. Faithful: API scores are stored as given, `null` stays `null`, a unit
 * missing from an endpoint is recorded as missing, never invented.
 */
import type { z } from 'zod';
import { GROUP_CODES, metricDef, type GroupCode } from '../../domain/metrics.ts';
import { provinceOfUnitCode } from '../../domain/provinces.ts';
import { competitionRanks } from '../../domain/ranking.ts';
import { round2 } from '../../domain/format.ts';
import { unitActivity, type Activity } from '../../domain/activity.ts';
import { GROUP_ENDPOINTS, type Endpoint } from './endpoints.ts';
import { checkPlausible } from './plausible.ts';
import {
  dataSchemaFor,
  envelope,
  type NationalData,
  type PaymentTreeData,
  type ProgressTreeData,
  type ProvideOnlineTreeData,
  type ProvinceSummaryData,
  type ShapeAData,
  type ShapeARow,
} from './schemas.ts';
import type { UnitKind, UnitSeen } from '../../domain/units.ts';
import { type FullObservation, observation, percentOf } from '../../domain/observations.ts';
import { DriftError, formatJsonPath } from '../drift.ts';
import type { ParsedScope } from '../source.ts';

export const SOURCE = 'dvcqg';
export const ALIAS_SYSTEM = 'dvcqg';

/**
 * Validate one response body and return its `data` (NFC-normalised). Throws DriftError with the
 * JSON path that broke.
 */
export function validateResponse(
  requestKey: string,
  endpoint: Endpoint,
  scope: string,
  rootDepartmentId: string | null,
  body: Buffer | Uint8Array | string,
  opts: { trusted?: boolean; normalize?: boolean } = {},
): unknown {
  let json: unknown;
  try {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    // NFC on the whole text at once (JSON's own syntax is ASCII, so only string contents change).
    // Checking the shape alone (when a response arrives) does not need it.
    json = JSON.parse(opts.normalize === false ? text : text.normalize('NFC'));
  } catch (e) {
    throw new DriftError(requestKey, '$', `not JSON (${(e as Error).message})`);
  }
  const env = envelope.safeParse(json);
  if (!env.success) throw driftFrom(requestKey, env.error, []);
  // An accepted payload passed this schema when it was archived: ingest can skip the second check.
  if (opts.trusted) return env.data.data;
  const data = dataSchemaFor(endpoint, scope).safeParse(env.data.data);
  if (!data.success) throw driftFrom(requestKey, data.error, ['data']);
  const value = data.data as Record<string, unknown>;
  // Well-formed but impossible (a score of 150, a unit of another province, no unit): drift too.
  checkPlausible(requestKey, endpoint, scope, value);
  // §11: the parent / overview must be the province asked for.
  if (rootDepartmentId) {
    const head = (value.parent ?? value.overview) as { departmentId?: string } | undefined;
    if (head && 'departmentId' in head && head.departmentId !== rootDepartmentId) {
      throw new DriftError(
        requestKey,
        `$.data.${value.parent ? 'parent' : 'overview'}.departmentId`,
        `is ${head.departmentId}, expected the requested rootDepartmentId ${rootDepartmentId}`,
      );
    }
  }
  return value;
}

function driftFrom(requestKey: string, error: z.ZodError, prefix: PropertyKey[]): DriftError {
  const first = error.issues[0]!;
  const path = formatJsonPath([...prefix, ...first.path]);
  const more =
    error.issues.length > 1 ? ` (+${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : '';
  return new DriftError(requestKey, path, `${first.message}${more}`);
}

/** Pages of a paged endpoint in order; the parser concatenates their rows. */
export type ScopePages = Partial<Record<Endpoint, unknown[]>>;

// ─── national ────────────────────────────────────────────────────────────────────────────────

export function parseNational(data: unknown): ParsedScope {
  const d = data as NationalData;
  const units: UnitSeen[] = [];
  const observations: FullObservation[] = [];
  const notes: string[] = [];
  const totalRanks = competitionRanks(d.evaluation.map((r) => ({ key: r.departmentCode, value: r.totalScore })));
  const groupRanks = new Map(
    GROUP_CODES.map((g) => [
      g,
      competitionRanks(d.evaluation.map((r) => ({ key: r.departmentCode, value: r.groupScores[g] }))),
    ]),
  );
  const scoreDelta: Record<string, number | null> = {};
  for (const row of d.evaluation) {
    // Lạng Sơn's legacy code is `000.00.00.H37`; keep the trailing Hxx.
    const code = provinceOfUnitCode(row.departmentCode);
    if (!/^H\d{2}$/.test(code))
      notes.push(`national ranking: unexpected province code "${row.departmentCode}" (${row.departmentName})`);
    units.push({
      code,
      kind: 'province',
      parentCode: null,
      provinceCode: code,
      name: row.departmentName,
      aliases: [{ system: ALIAS_SYSTEM, alias: row.departmentId }],
    });
    const rank = totalRanks.get(row.departmentCode) ?? null;
    observations.push(
      observation({
        unitCode: code,
        metric: 'TOTAL',
        score: row.totalScore,
        maxScore: 100,
        ratio: row.ratio,
        rank,
        peerRank: rank,
      }),
    );
    for (const g of GROUP_CODES) {
      const max = metricDef(g)!.max!;
      const score = row.groupScores[g];
      const gRank = groupRanks.get(g)!.get(row.departmentCode) ?? null;
      // The national row gives group scores only; the ratio is derived (score / max).
      observations.push(
        observation({
          unitCode: code,
          metric: g,
          score,
          maxScore: max,
          ratio: percentOf(score, max),
          rank: gRank,
          peerRank: gRank,
        }),
      );
    }
    scoreDelta[code] = row.scoreDelta ?? null;
  }
  return {
    source: SOURCE,
    scope: 'national',
    units,
    observations,
    notes,
    meta: {
      // The mean of the 34 province totals ("điểm bình quân cả nước") and the portal's own figure for
      // the country ("điểm của cả nước", overview.totalScore): two different numbers (61,55 vs 56,56
      // on 2026-09-17), both kept and named for what they are.
      nationalAverage: d.evaluation.length
        ? round2(d.evaluation.reduce((n, r) => n + r.totalScore, 0) / d.evaluation.length)
        : null,
      nationalScore: d.overview.totalScore,
      growthPercent: d.growthPercent ?? null,
      radar: d.radar,
      scoreDelta,
    },
  };
}

// ─── province ────────────────────────────────────────────────────────────────────────────────

interface UnitRef {
  code: string;
  kind: UnitKind;
  name: string;
  id: string;
}

function kindOf(hint: string | undefined): UnitKind | null {
  switch (hint) {
    case 'AGENCY':
    case 'PROVINCIAL_DEPARTMENT':
    case 'PROVINCE':
      return 'department';
    case 'COMMUNE':
    case 'COMMUNE_PEOPLE_COMMITTEE':
      return 'commune';
    default:
      return null;
  }
}

/** Communes are `Hxx.1NN`/`Hxx.2NN`, departments `Hxx.NN` — the fallback when no type is given. */
function kindFromCode(code: string): UnitKind {
  const tail = code.split('.')[1] ?? '';
  return tail.length >= 3 ? 'commune' : 'department';
}

function concatRows<T>(pages: unknown[] | undefined, pick: (page: T) => unknown[]): unknown[] {
  return (pages ?? []).flatMap((p) => pick(p as T));
}

export function parseProvince(provinceCode: string, pages: ScopePages): ParsedScope {
  const notes: string[] = [];
  const observations: FullObservation[] = [];
  const summaryPages = pages['service-results'];
  if (!summaryPages || summaryPages.length === 0)
    throw new Error(`province ${provinceCode}: service-results is missing from the capture`);
  const summary = summaryPages[0] as ProvinceSummaryData;
  const summaryRows = concatRows<ProvinceSummaryData>(
    summaryPages,
    (p) => p.evaluation,
  ) as ProvinceSummaryData['evaluation'];

  // Identity: departmentId → code, from every response that carries codes (§8).
  const byId = new Map<string, UnitRef>();
  const byCode = new Map<string, UnitRef>();
  const register = (id: string, code: string, name: string, kind: UnitKind | null) => {
    if (code === provinceCode) return;
    const existing = byCode.get(code);
    if (existing) {
      byId.set(id, existing);
      return;
    }
    const ref: UnitRef = { code, id, name, kind: kind ?? kindFromCode(code) };
    byId.set(id, ref);
    byCode.set(code, ref);
  };
  for (const r of summaryRows) register(r.departmentId, r.departmentCode, r.departmentName, kindOf(r.childGroup));
  const inSummary = new Set(summaryRows.map((r) => r.departmentCode));
  for (const ep of ['dvc-progress-tree', 'provide-online-tree', 'formality-online-payment-tree'] as const) {
    for (const c of concatRows<{
      children: { departmentId: string; departmentCode: string; departmentName: string; level?: string }[];
    }>(pages[ep], (p) => p.children) as {
      departmentId: string;
      departmentCode: string;
      departmentName: string;
      level?: string;
    }[]) {
      register(c.departmentId, c.departmentCode, c.departmentName, kindOf(c.level));
    }
  }
  for (const r of concatRows<ShapeAData>(pages['dossier-digitized'], (p) => p.evaluation) as ShapeARow[]) {
    if (r.departmentCode) register(r.departmentId, r.departmentCode, r.departmentName, kindOf(r.departmentType));
  }
  for (const ref of byCode.values()) {
    if (!inSummary.has(ref.code))
      notes.push(`${ref.code} (${ref.name}) appears in group endpoints but not in service-results`);
  }

  // TOTAL: from the province summary (ranks are computed at the end, among units with activity).
  observations.push(
    observation({
      unitCode: provinceCode,
      metric: 'TOTAL',
      score: summary.overview.totalScore,
      maxScore: summary.overview.totalMaxScore,
      ratio: summary.overview.ratio,
    }),
  );
  for (const r of summaryRows) {
    observations.push(
      observation({
        unitCode: r.departmentCode,
        metric: 'TOTAL',
        score: r.totalScore,
        maxScore: 100,
        ratio: r.ratio,
      }),
    );
  }

  // The six groups, each from its own endpoint.
  for (const group of GROUP_CODES) {
    const endpoint = GROUP_ENDPOINTS[group];
    const groupPages = pages[endpoint];
    if (!groupPages || groupPages.length === 0) {
      notes.push(`${endpoint}: no response in this capture; ${group} not stored`);
      continue;
    }
    const rows = groupRows(group, endpoint, groupPages, provinceCode, byId, notes);
    observations.push(...rows.province);
    const seen = new Set<string>();
    for (const o of rows.units) {
      if (o.metric === group) seen.add(o.unitCode);
      observations.push(o);
    }
    for (const ref of byCode.values()) {
      if (!seen.has(ref.code)) {
        notes.push(`${ref.code} (${ref.name}) is missing from ${endpoint}: ${group} recorded as missing`);
        observations.push(
          observation({ unitCode: ref.code, metric: group, maxScore: metricDef(group)!.max, present: false }),
        );
      }
    }
  }

  const inactive = rankAmongActive(observations, provinceCode, byCode);

  const units: UnitSeen[] = [...byCode.values()].map((ref) => ({
    code: ref.code,
    kind: ref.kind,
    parentCode: provinceCode,
    provinceCode,
    name: ref.name,
    aliases: [{ system: ALIAS_SYSTEM, alias: ref.id }],
  }));
  const provinceRoot = (pages['transparency']?.[0] as ShapeAData | undefined)?.overview.departmentId;
  units.unshift({
    code: provinceCode,
    kind: 'province',
    parentCode: null,
    provinceCode,
    name: summary.overview.departmentName,
    aliases: provinceRoot ? [{ system: ALIAS_SYSTEM, alias: provinceRoot }] : [],
  });
  return {
    source: SOURCE,
    scope: provinceCode,
    units,
    observations,
    notes,
    meta: {
      unitCount: byCode.size,
      departments: [...byCode.values()].filter((u) => u.kind === 'department').length,
      communes: [...byCode.values()].filter((u) => u.kind === 'commune').length,
      // Units that had no dossiers at all in the period ("không phát sinh hồ sơ"): not ranked.
      noActivityUnits: inactive,
    },
  };
}

/**
 * Ranks of TOTAL and each group, among all units and among peers (departments / communes) — only
 * among units with activity: a unit that had nothing to do is not tied with units that failed; it
 * is listed apart ("không phát sinh hồ sơ"). Sets `rank`/`peerRank` in place; returns the codes of
 * the units without any activity.
 */
function rankAmongActive(
  observations: FullObservation[],
  provinceCode: string,
  byCode: ReadonlyMap<string, UnitRef>,
): string[] {
  const byUnit = new Map<string, Map<string, FullObservation>>();
  for (const o of observations) {
    if (o.unitCode === provinceCode) continue;
    let m = byUnit.get(o.unitCode);
    if (!m) byUnit.set(o.unitCode, (m = new Map()));
    if (!m.has(o.metric)) m.set(o.metric, o);
  }
  const activity = new Map([...byUnit].map(([code, m]) => [code, unitActivity((metric) => m.get(metric))]));
  for (const metric of ['TOTAL', ...GROUP_CODES]) {
    const isActive = (code: string): boolean => {
      const a = activity.get(code);
      const act: Activity | undefined = metric === 'TOTAL' ? a?.unit : a?.groups[metric as GroupCode];
      return act !== 'inactive';
    };
    const candidates = [...byUnit].flatMap(([code, m]) => {
      const o = m.get(metric);
      return o && o.present && isActive(code) ? [{ code, o }] : [];
    });
    const all = competitionRanks(candidates.map((c) => ({ key: c.code, value: c.o.score })));
    const peer = new Map<string, number>();
    for (const kind of ['department', 'commune'] as const) {
      for (const [k, v] of competitionRanks(
        candidates.filter((c) => byCode.get(c.code)?.kind === kind).map((c) => ({ key: c.code, value: c.o.score })),
      ))
        peer.set(k, v);
    }
    for (const c of candidates) {
      c.o.rank = all.get(c.code) ?? null;
      c.o.peerRank = peer.get(c.code) ?? null;
    }
  }
  return [...activity]
    .filter(([, a]) => a.unit === 'inactive')
    .map(([code]) => code)
    .sort();
}

interface GroupRows {
  province: FullObservation[];
  units: FullObservation[];
}

function resolveUnit(
  id: string,
  code: string | undefined,
  byId: Map<string, UnitRef>,
  endpoint: Endpoint,
  name: string,
  notes: string[],
): string | null {
  const ref = byId.get(id);
  if (ref) return ref.code;
  if (code) return code;
  notes.push(
    `${endpoint}: departmentId ${id} (${name}) matches no unit code of this capture; its figures were not stored`,
  );
  return null;
}

function groupRows(
  group: GroupCode,
  endpoint: Endpoint,
  pages: unknown[],
  provinceCode: string,
  byId: Map<string, UnitRef>,
  notes: string[],
): GroupRows {
  switch (endpoint) {
    case 'transparency':
    case 'handling-satisfaction':
    case 'dossier-digitized': {
      const first = pages[0] as ShapeAData;
      const province = shapeARowObservations(group, provinceCode, first.overview, notes, endpoint);
      const units: FullObservation[] = [];
      for (const row of concatRows<ShapeAData>(pages, (p) => p.evaluation) as ShapeARow[]) {
        const code = resolveUnit(row.departmentId, row.departmentCode, byId, endpoint, row.departmentName, notes);
        if (code) units.push(...shapeARowObservations(group, code, row, notes, endpoint));
      }
      return { province, units };
    }
    case 'dvc-progress-tree': {
      const first = pages[0] as ProgressTreeData;
      const p = first.parent;
      // The parent publishes no totalOverdue: it is received − on time (as for every child).
      const province = [
        observation({
          unitCode: provinceCode,
          metric: group,
          score: p.totalScore,
          maxScore: p.totalMaxScore,
          ratio: p.totalReceived === 0 ? null : p.ratio,
          numerator: p.totalOnTime,
          denominator: p.totalReceived,
        }),
        ...progressCounters(provinceCode, p.totalOnTime, p.totalReceived, p.totalReceived - p.totalOnTime, p.ratio),
      ];
      const units: FullObservation[] = [];
      for (const c of concatRows<ProgressTreeData>(pages, (x) => x.children) as ProgressTreeData['children']) {
        const code = resolveUnit(c.departmentId, c.departmentCode, byId, endpoint, c.departmentName, notes)!;
        // ratio is the on-time share: none when nothing was received (the portal writes 0).
        units.push(
          observation({
            unitCode: code,
            metric: group,
            score: c.score,
            maxScore: c.maxScore,
            ratio: c.totalReceived === 0 ? null : c.ratio,
            numerator: c.totalOnTime,
            denominator: c.totalReceived,
          }),
        );
        units.push(...progressCounters(code, c.totalOnTime, c.totalReceived, c.totalOverdue, c.ratio));
      }
      return { province, units };
    }
    case 'provide-online-tree': {
      const first = pages[0] as ProvideOnlineTreeData;
      const p = first.parent;
      const province = [
        observation({
          unitCode: provinceCode,
          metric: group,
          score: p.totalScore,
          maxScore: p.totalMaxScore,
          ratio: p.ratio,
        }),
        observation({
          unitCode: provinceCode,
          metric: 'ONLINE_SUBMISSION',
          numerator: p.channelOnlineSum,
          denominator: p.channelTotalSum,
          ratio: percentOf(p.channelOnlineSum, p.channelTotalSum),
        }),
        observation({
          unitCode: provinceCode,
          metric: 'ONLINE_PROVISION_FULL',
          numerator: p.fullCount,
          denominator: p.authorityCount,
          ratio: percentOf(p.fullCount, p.authorityCount),
        }),
      ];
      // Children carry only their score (§5.4): no counters to store.
      const units = (
        concatRows<ProvideOnlineTreeData>(pages, (x) => x.children) as ProvideOnlineTreeData['children']
      ).map((c) =>
        observation({
          unitCode: resolveUnit(c.departmentId, c.departmentCode, byId, endpoint, c.departmentName, notes)!,
          metric: group,
          score: c.totalScore,
          maxScore: c.totalMaxScore,
          ratio: c.ratio,
        }),
      );
      return { province, units };
    }
    case 'formality-online-payment-tree': {
      const first = pages[0] as PaymentTreeData;
      const province = paymentObservations(group, provinceCode, first.parent);
      const units = (concatRows<PaymentTreeData>(pages, (x) => x.children) as PaymentTreeData['children']).flatMap(
        (c) =>
          paymentObservations(
            group,
            resolveUnit(c.departmentId, c.departmentCode, byId, endpoint, c.departmentName, notes)!,
            c,
          ),
      );
      return { province, units };
    }
    case 'service-results':
      throw new Error('service-results is not a group endpoint');
  }
}

function shapeARowObservations(
  group: GroupCode,
  unitCode: string,
  row: ShapeARow,
  notes: string[],
  endpoint: Endpoint,
): FullObservation[] {
  const out = [
    observation({ unitCode, metric: group, score: row.totalScore, maxScore: row.totalMaxScore, ratio: row.ratio }),
  ];
  for (const m of row.metrics) {
    const def = metricDef(m.code);
    if (!def && unitCode.indexOf('.') === -1)
      notes.push(`${endpoint}: new metric code ${m.code} ("${m.name}") stored as given`);
    out.push(
      observation({
        unitCode,
        metric: m.code,
        score: m.score,
        maxScore: m.maxScore,
        // The portal writes ratio 0 on 0/0 rows: a ratio over nothing is no ratio (the raw payload keeps the 0).
        ratio: m.denominator === 0 ? null : m.ratio,
        numerator: m.numerator,
        denominator: m.denominator,
        quality: m.dataQualityStatus ?? null,
      }),
    );
  }
  return out;
}

function progressCounters(
  unitCode: string,
  onTime: number,
  received: number,
  overdue: number,
  ratio: number | null,
): FullObservation[] {
  return [
    observation({
      unitCode,
      metric: 'ON_TIME',
      numerator: onTime,
      denominator: received,
      ratio: received === 0 ? null : ratio,
    }),
    observation({
      unitCode,
      metric: 'OVERDUE',
      numerator: overdue,
      denominator: received,
      ratio: percentOf(overdue, received),
    }),
  ];
}

function paymentObservations(group: GroupCode, unitCode: string, r: PaymentTreeData['parent']): FullObservation[] {
  return [
    observation({ unitCode, metric: group, score: r.totalScore, maxScore: r.totalMaxScore, ratio: r.ratio }),
    // TTTT = 6·A + min(2, 2.5·B) + 2.5·C (docs/dvcqg-api.md §7): A, B and C as counter ratios.
    observation({
      unitCode,
      metric: 'ONLINE_PAYMENT_DOSSIER',
      numerator: r.totalDossierOnlinePaymentSuccess,
      denominator: r.totalDossierFinancialObligation,
      ratio: percentOf(r.totalDossierOnlinePaymentSuccess, r.totalDossierFinancialObligation),
    }),
    observation({
      unitCode,
      metric: 'ONLINE_PAYMENT_FORMALITY',
      numerator: r.totalDossierOnlineFormalityPaymentSuccess,
      denominator: r.totalFeeFormality,
      ratio: percentOf(r.totalDossierOnlineFormalityPaymentSuccess, r.totalFeeFormality),
    }),
    observation({
      unitCode,
      metric: 'FEE_FORMALITY_WITH_DOSSIER',
      numerator: r.totalFeeDossierFormality,
      denominator: r.totalFeeFormality,
      ratio: percentOf(r.totalFeeDossierFormality, r.totalFeeFormality),
    }),
  ];
}

/** `pagination.totalPages` of a shape-A page (1 for unpaged responses). */
export function totalPagesOf(data: unknown): number {
  const p = (data as { pagination?: { totalPages?: number } }).pagination;
  return p && typeof p.totalPages === 'number' && p.totalPages > 0 ? p.totalPages : 1;
}
