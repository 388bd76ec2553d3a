/**
 * Request builders for the DVCQG 2026 API (`POST /api/v1/reporting/evaluation/<endpoint>`).
 * One province and one period = 8 requests: the national summary, the province summary and the
 * six group endpoints (docs/dvcqg-api.md §4). Bodies are built in the order the public page sends.
 */
import type { GroupCode } from '../../domain/metrics.ts';
import { periodDateRange, type Period } from '../../domain/periods.ts';
import { provinceByCode } from '../../domain/provinces.ts';

export const API_PATH = '/api/v1/reporting/evaluation/';
/** The public page that shows these figures (linked from e-mails and alerts). */
export const PORTAL_PAGE_URL = 'https://dichvucong.gov.vn/danh-gia-chat-luong-phuc-vu';

export type Endpoint =
  | 'service-results'
  | 'transparency'
  | 'dvc-progress-tree'
  | 'provide-online-tree'
  | 'formality-online-payment-tree'
  | 'handling-satisfaction'
  | 'dossier-digitized';

export const GROUP_ENDPOINTS: Readonly<Record<GroupCode, Endpoint>> = {
  CKMB: 'transparency',
  TDGQ: 'dvc-progress-tree',
  CLGQ: 'provide-online-tree',
  TTTT: 'formality-online-payment-tree',
  MDHL: 'handling-satisfaction',
  MDSH: 'dossier-digitized',
};

/**
 * Page sizes: those of the public page, raised to 300 where a large province (TP.HCM, ~190 units)
 * could exceed them. The trees are not paged in any observed response; we still honour
 * `pagination.totalPages` wherever it appears.
 */
const PAGE_SIZE: Readonly<Record<Endpoint, number>> = {
  'service-results': 300,
  transparency: 300,
  'dvc-progress-tree': 300,
  'provide-online-tree': 300,
  'formality-online-payment-tree': 300,
  'handling-satisfaction': 300,
  'dossier-digitized': 300,
};

export interface RequestSpec {
  /** Unique within a capture: `service-results.national`, `transparency.H19`. */
  key: string;
  /** `national` or the province code. */
  scope: string;
  endpoint: Endpoint;
  /** Root department of the province (null for the national summary): the parser checks it. */
  rootDepartmentId: string | null;
  body: Record<string, unknown>;
}

function periodFields(period: Period): Record<string, unknown> {
  switch (period.type) {
    case 'year':
      return { timeType: 'year', year: period.year };
    case 'quarter':
      return { timeType: 'quarter', year: period.year, quarter: period.quarter };
    case 'month':
      return { timeType: 'month', year: period.year, month: period.month };
    case 'half':
      throw new Error('the 2026 API has no half-year period (legacy rest.jsp only)');
  }
}

export function nationalRequest(period: Period): RequestSpec {
  return {
    key: 'service-results.national',
    scope: 'national',
    endpoint: 'service-results',
    rootDepartmentId: null,
    body: { ...periodFields(period), departmentType: 'ADMINISTRATIVE_UNIT' },
  };
}

export function provinceRequests(provinceCode: string, period: Period): RequestSpec[] {
  const root = provinceByCode(provinceCode).rootDepartmentId;
  const endpoints: Endpoint[] = ['service-results', ...Object.values(GROUP_ENDPOINTS)];
  return endpoints.map((endpoint) => {
    // handling-satisfaction takes an inclusive date range and no timeType (§3).
    const time = endpoint === 'handling-satisfaction' ? periodDateRange(period) : periodFields(period);
    return {
      key: `${endpoint}.${provinceCode}`,
      scope: provinceCode,
      endpoint,
      rootDepartmentId: root,
      body: { ...time, rootDepartmentId: root, currentPage: 1, pageSize: PAGE_SIZE[endpoint] },
    };
  });
}

/** Every request of one capture: the national summary, then each province's seven. */
export function captureRequests(provinces: readonly string[], period: Period): RequestSpec[] {
  return [nationalRequest(period), ...provinces.flatMap((p) => provinceRequests(p, period))];
}

/** The request for page `page` of a paged endpoint (same body, `currentPage` changed). */
export function pageRequest(spec: RequestSpec, page: number): { key: string; body: Record<string, unknown> } {
  return { key: page === 1 ? spec.key : `${spec.key}.p${page}`, body: { ...spec.body, currentPage: page } };
}

export function endpointUrl(baseUrl: string, endpoint: Endpoint): string {
  return `${baseUrl.replace(/\/+$/, '')}${API_PATH}${endpoint}`;
}
