/**
 * Legacy form API `POST /jsp/rest.jsp`, service `report_tinh_766_service` (2022 → Dec 2025), for
 * backfilling history. Stored as source `dvcqg-legacy`: its scores are on another basis than the
 * 2026 API's, so the two are never compared (docs/dvcqg-api.md §1, §10).
 */
import { z } from 'zod';
import { GROUP_CODES, metricDef } from '../../domain/metrics.ts';
import type { Period } from '../../domain/periods.ts';
import { provinceByCode, provinceOfUnitCode } from '../../domain/provinces.ts';
import type { UnitKind, UnitSeen } from '../../domain/units.ts';
import { type FullObservation, observation, percentOf } from '../../domain/observations.ts';
import { DriftError, formatJsonPath, normalizeText } from '../drift.ts';
import type { ParsedScope } from '../source.ts';

export const LEGACY_SOURCE = 'dvcqg-legacy';
export const LEGACY_ALIAS_SYSTEM = 'dvcqg-legacy';
export const LEGACY_PATH = '/jsp/rest.jsp';

export interface LegacyRequestSpec {
  key: string;
  scope: string;
  endpoint: 'rest.jsp';
  params: Record<string, unknown>;
}

/** `p_6thang` / `p_quy` / `p_thang`: all 0 = the whole year. */
function periodParams(period: Period): Record<string, unknown> {
  return {
    p_nam: String(period.year),
    p_6thang: period.type === 'half' ? period.half : 0,
    p_quy: period.type === 'quarter' ? period.quarter : 0,
    p_thang: period.type === 'month' ? period.month : 0,
  };
}

export function legacyRequests(provinces: readonly string[], period: Period): LegacyRequestSpec[] {
  const base = { type: 'ref', pageIndex: 1, p_loaidonvi: 1, loaichitieu: 0, service: 'report_tinh_766_service' };
  return [
    {
      key: 'rest-jsp.national',
      scope: 'national',
      endpoint: 'rest.jsp' as const,
      params: { ...base, ...periodParams(period), pageSize: 100, p_tinh_id: 0 },
    },
    ...provinces.map((code) => ({
      key: `rest-jsp.${code}`,
      scope: code,
      endpoint: 'rest.jsp' as const,
      // pageSize ≥ 200 for provinces with more than 100 units (§10).
      params: { ...base, ...periodParams(period), pageSize: 500, p_tinh_id: provinceByCode(code).legacyId },
    })),
  ];
}

/** The form body: one field `params` holding the JSON string. */
export function legacyFormBody(spec: LegacyRequestSpec): string {
  return new URLSearchParams({ params: JSON.stringify(spec.params) }).toString();
}

// Every value is a string in this API; accept numbers too (defensive, §10).
const numeric = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : Number(v.trim().replace(',', '.'));
  if (v === '' || Number.isNaN(n)) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a number` });
    return z.NEVER;
  }
  return n;
});
const text = z.union([z.string(), z.number()]).transform((v) => String(v));

const legacyRow = z.object({
  ID: text,
  TEN: z.string(),
  MA_COQUAN: z.string().min(1),
  LOAI_COQUAN: text,
  CAPDONVIID: text.optional(),
  CKMB: numeric,
  TDGQ: numeric,
  CLGQ: numeric,
  TTTT: numeric,
  MDHL: numeric,
  MDSH: numeric,
  TONG_SCORE: numeric,
  ROW_STT: numeric,
});

const legacyRows = z.array(legacyRow);

/** LOAI_COQUAN: 1 UBND tỉnh, 2 sở/ban/ngành, 3 UBND xã/phường/đặc khu. */
function legacyKind(loai: string): UnitKind {
  return loai === '1' ? 'province' : loai === '3' ? 'commune' : 'department';
}

export function parseLegacy(requestKey: string, scope: string, body: Buffer | Uint8Array | string): ParsedScope {
  const textBody = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(textBody);
  } catch (e) {
    throw new DriftError(requestKey, '$', `not JSON (${(e as Error).message})`);
  }
  // A bare array; some clients also meet `{"data": [...]}` and accept it (§10).
  const wrapped =
    !Array.isArray(json) &&
    json !== null &&
    typeof json === 'object' &&
    Array.isArray((json as { data?: unknown }).data);
  const parsed = legacyRows.safeParse(wrapped ? (json as { data: unknown }).data : json);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new DriftError(requestKey, formatJsonPath(wrapped ? ['data', ...first.path] : first.path), first.message);
  }
  const rows = normalizeText(parsed.data);
  const units: UnitSeen[] = [];
  const observations: FullObservation[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    // Lạng Sơn is `000.00.00.H37` in this API: keep the durable `Hxx[.NN]` part.
    const code = /H\d{2}(\.\d+)?$/.exec(row.MA_COQUAN)?.[0] ?? row.MA_COQUAN;
    if (seen.has(code)) {
      notes.push(`${requestKey}: ${code} listed twice; the first row is kept`);
      continue;
    }
    seen.add(code);
    const kind = legacyKind(row.LOAI_COQUAN);
    const provinceCode = provinceOfUnitCode(code);
    units.push({
      code,
      kind,
      parentCode: kind === 'province' ? null : provinceCode,
      provinceCode,
      name: row.TEN,
      aliases: [{ system: LEGACY_ALIAS_SYSTEM, alias: row.ID }],
    });
    // ROW_STT is the portal's own rank (national, or among all units of the province).
    observations.push(
      observation({
        unitCode: code,
        metric: 'TOTAL',
        score: row.TONG_SCORE,
        maxScore: 100,
        ratio: row.TONG_SCORE,
        rank: row.ROW_STT,
      }),
    );
    for (const g of GROUP_CODES) {
      const max = metricDef(g)!.max!;
      observations.push(
        observation({ unitCode: code, metric: g, score: row[g], maxScore: max, ratio: percentOf(row[g], max) }),
      );
    }
  }
  if (scope !== 'national') {
    // Peer rank among departments / among communes, by the portal's order (ROW_STT).
    for (const kind of ['department', 'commune'] as const) {
      const peers = units
        .filter((u) => u.kind === kind)
        .map((u) => observations.find((o) => o.unitCode === u.code && o.metric === 'TOTAL')!);
      peers.sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
      peers.forEach((o, i) => (o.peerRank = i + 1));
    }
  } else {
    for (const o of observations) if (o.metric === 'TOTAL') o.peerRank = o.rank;
  }
  return { source: LEGACY_SOURCE, scope, units, observations, notes, meta: { rows: rows.length } };
}
