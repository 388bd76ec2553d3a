/**
 * DVCQG per procedure (docs/drilldown.md §2–§4): the national TTHC catalogue and the group
 * endpoints filtered by one procedure. Request building and parsing only — pure; the drill-down
 * (src/drilldown/) asks them through the same polite transport as every capture and archives the
 * answers. Not a snapshot source (it yields no observations), so it is not in sources/index.ts.
 *
 * Which groups break down: TDGQ (`dvc-progress-tree`, counters per unit), TTTT (the payment tree:
 * dossier counters only — its procedure counters are the unit's unfiltered values) and MDSH
 * (`dossier-digitized`, keyed `formalityID` — the portal's own spelling). CKMB's `transparency`
 * returns the unit's unfiltered DOSSIER_SYNC, CLGQ's children carry scores without counters and
 * MDHL has no procedure filter: no request is made for them.
 */
import { z } from 'zod';
import type { GroupCode } from '../../domain/metrics.ts';
import { provinceByCode } from '../../domain/provinces.ts';
import type { Period } from '../../domain/periods.ts';
import { DriftError, formatJsonPath } from '../drift.ts';
import type { PortalRequest } from '../http.ts';
import { API_PATH, type Endpoint } from '../dvcqg/endpoints.ts';

export const CATALOGUE_PATH = '/api/v1/reporting/formalities';
/** Items per catalogue page (the portal's default is 10; the whole catalogue is ~575 pages of 10). */
export const CATALOGUE_PAGE_SIZE = 20;

interface Breakdown {
  endpoint: Endpoint;
  /** The filter key, spelled as the endpoint wants it. */
  key: 'formalityId' | 'formalityID';
  pageSize: number;
}

/** The groups whose endpoint gives counters per procedure. */
export const BREAKDOWNS: Readonly<Partial<Record<GroupCode, Breakdown>>> = {
  TDGQ: { endpoint: 'dvc-progress-tree', key: 'formalityId', pageSize: 100 },
  TTTT: { endpoint: 'formality-online-payment-tree', key: 'formalityId', pageSize: 100 },
  MDSH: { endpoint: 'dossier-digitized', key: 'formalityID', pageSize: 200 },
};

/** Why a group has no per-procedure figures (said in the output instead of rows). */
export const NO_BREAKDOWN: Readonly<Partial<Record<GroupCode, string>>> = {
  CKMB: 'Cổng DVCQG không tách nhóm này theo thủ tục; hồ sơ chưa đồng bộ xem trong danh sách hồ sơ của Cổng tỉnh',
  CLGQ: 'Cổng DVCQG chỉ trả điểm theo thủ tục, không có số hồ sơ',
  MDHL: 'Cổng DVCQG không lọc nhóm này theo thủ tục',
};

function periodFields(period: Period): Record<string, unknown> {
  if (period.type === 'year') return { timeType: 'year', year: period.year };
  if (period.type === 'quarter') return { timeType: 'quarter', year: period.year, quarter: period.quarter };
  if (period.type === 'month') return { timeType: 'month', year: period.year, month: period.month };
  throw new Error('the 2026 API has no half-year period');
}

const base = (url: string) => url.replace(/\/+$/, '');

export function catalogueRequest(baseUrl: string, page: number): { key: string; request: PortalRequest } {
  return {
    key: `formalities.p${page}`,
    request: {
      method: 'POST',
      url: `${base(baseUrl)}${CATALOGUE_PATH}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ currentPage: page, pageSize: CATALOGUE_PAGE_SIZE }),
    },
  };
}

/** One group endpoint of one province and period, filtered by one procedure. */
export function procedureRequest(
  baseUrl: string,
  c: { province: string; period: Period; group: GroupCode; formalityId: string; formalityCode: string },
): { key: string; endpoint: Endpoint; request: PortalRequest } {
  const b = BREAKDOWNS[c.group];
  if (!b) throw new Error(`${c.group} has no per-procedure breakdown`);
  const root = provinceByCode(c.province).rootDepartmentId;
  const body = {
    ...periodFields(c.period),
    rootDepartmentId: root,
    currentPage: 1,
    pageSize: b.pageSize,
    [b.key]: c.formalityId,
  };
  return {
    key: `${b.endpoint}.${c.province}.tthc-${c.formalityCode}`,
    endpoint: b.endpoint,
    request: {
      method: 'POST',
      url: `${base(baseUrl)}${API_PATH}${b.endpoint}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
  };
}

export interface CatalogueItem {
  id: string;
  code: string;
  name: string;
  state: string;
  appliedDepartmentIds: string[];
}

function parseJson(key: string, body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new DriftError(key, '$', `not JSON (${(e as Error).message})`);
  }
}

function drift(key: string, error: z.ZodError): DriftError {
  const first = error.issues[0]!;
  return new DriftError(key, formatJsonPath(first.path), first.message);
}

const catalogueSchema = z.object({
  data: z.object({
    items: z.array(
      z.object({
        id: z.string().min(1),
        code: z.string().min(1),
        name: z.string(),
        state: z.string(),
        appliedDepartmentIds: z.array(z.string()).nullable().optional(),
      }),
    ),
    pagination: z.object({ totalPages: z.number().int().min(0) }),
  }),
});

export function parseCataloguePage(key: string, body: Buffer): { items: CatalogueItem[]; totalPages: number } {
  const r = catalogueSchema.safeParse(parseJson(key, body));
  if (!r.success) throw drift(key, r.error);
  return {
    items: r.data.data.items.map((i) => ({
      id: i.id,
      code: i.code,
      name: i.name.replace(/^Thủ tục:\s*/u, ''),
      state: i.state,
      appliedDepartmentIds: i.appliedDepartmentIds ?? [],
    })),
    totalPages: Math.max(1, r.data.data.pagination.totalPages),
  };
}

/** One unit's counters for one procedure, in the metric's own terms. */
export interface ProcedureCounter {
  unitCode: string;
  metric: string;
  numerator: number;
  denominator: number;
}

const count = z.number().nullable().optional();
const treeSchema = z.object({
  data: z.object({
    children: z.array(
      z
        .object({
          departmentCode: z.string().min(1),
          totalReceived: count,
          totalOnTime: count,
          totalDossierOnlinePaymentSuccess: count,
          totalDossierFinancialObligation: count,
        })
        .passthrough(),
    ),
  }),
});
const digitizedSchema = z.object({
  data: z.object({
    evaluation: z.array(
      z.object({
        departmentCode: z.string().min(1),
        metrics: z.array(z.object({ code: z.string(), numerator: count, denominator: count })),
      }),
    ),
  }),
});

/** MDSH metrics that count dossiers (ELECTRONIC_CERTIFIED_COPY counts procedures and is null per procedure). */
const DIGITIZED_COUNTERS = new Set([
  'ORIGINAL_RESULT_AVAILABLE',
  'SO_HOA_GIAY_TO_GIAI_QUYET',
  'REUSED_DIGITIZED_DATA',
  'SYNCED_WITH_DVCQG_PERSONAL_STORAGE',
  'CITIZEN_DATA_CONNECTED_DOSSIER',
]);

/** Every unit's counters in one filtered answer (each answer covers the whole province). */
export function parseProcedureAnswer(group: GroupCode, key: string, body: Buffer): ProcedureCounter[] {
  const json = parseJson(key, body);
  const n = (v: number | null | undefined) => (typeof v === 'number' ? v : null);
  const out: ProcedureCounter[] = [];
  if (group === 'MDSH') {
    const r = digitizedSchema.safeParse(json);
    if (!r.success) throw drift(key, r.error);
    for (const u of r.data.data.evaluation)
      for (const m of u.metrics) {
        const num = n(m.numerator);
        const den = n(m.denominator);
        if (DIGITIZED_COUNTERS.has(m.code) && num !== null && den !== null)
          out.push({ unitCode: u.departmentCode, metric: m.code, numerator: num, denominator: den });
      }
    return out;
  }
  const r = treeSchema.safeParse(json);
  if (!r.success) throw drift(key, r.error);
  for (const c of r.data.data.children) {
    const [num, den, metric] =
      group === 'TDGQ'
        ? [n(c.totalOnTime), n(c.totalReceived), 'ON_TIME']
        : [n(c.totalDossierOnlinePaymentSuccess), n(c.totalDossierFinancialObligation), 'ONLINE_PAYMENT_DOSSIER'];
    if (num !== null && den !== null)
      out.push({ unitCode: c.departmentCode, metric, numerator: num, denominator: den });
  }
  return out;
}
