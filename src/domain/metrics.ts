/**
 * The one home of the 766 metric catalogue: codes, Vietnamese names, maxima and which group each
 * sub-metric belongs to. Source: docs/dvcqg-api.md §7 (groups and portal metric codes).
 *
 * Three families:
 *  - TOTAL and the six groups (scores, maxima 100 / 18 / 20 / 12 / 10 / 18 / 22);
 *  - the portal's own sub-metric codes (`DOSSIER_SYNC`, …), kept unchanged;
 *  - counter ratios chiso766 derives from the tree endpoints, which publish counters but no metric
 *    codes (TDGQ on-time/overdue, TTTT payment shares, CLGQ online submission). They carry a
 *    numerator/denominator/ratio and no score.
 */

export const GROUP_CODES = ['CKMB', 'TDGQ', 'CLGQ', 'TTTT', 'MDHL', 'MDSH'] as const;
export type GroupCode = (typeof GROUP_CODES)[number];
export type MetricFamily = 'total' | 'group' | 'portal' | 'counter';

export interface MetricDef {
  readonly code: string;
  readonly family: MetricFamily;
  /** The group a sub-metric belongs to; a group's own code for groups; null for TOTAL. */
  readonly group: GroupCode | null;
  /** Maximum score; 0 for tracking-only metrics; null for counter ratios (no score). */
  readonly max: number | null;
  readonly name: string;
  /** Short label for tables and e-mail subjects. */
  readonly short: string;
}

const defs: MetricDef[] = [
  { code: 'TOTAL', family: 'total', group: null, max: 100, name: 'Tổng điểm Bộ chỉ số 766', short: 'Tổng điểm' },
  {
    code: 'CKMB',
    family: 'group',
    group: 'CKMB',
    max: 18,
    name: 'Công khai, minh bạch',
    short: 'Công khai, minh bạch',
  },
  { code: 'TDGQ', family: 'group', group: 'TDGQ', max: 20, name: 'Tiến độ giải quyết', short: 'Tiến độ giải quyết' },
  {
    code: 'CLGQ',
    family: 'group',
    group: 'CLGQ',
    max: 12,
    name: 'Dịch vụ công trực tuyến',
    short: 'Dịch vụ công trực tuyến',
  },
  {
    code: 'TTTT',
    family: 'group',
    group: 'TTTT',
    max: 10,
    name: 'Thanh toán trực tuyến',
    short: 'Thanh toán trực tuyến',
  },
  { code: 'MDHL', family: 'group', group: 'MDHL', max: 18, name: 'Mức độ hài lòng', short: 'Mức độ hài lòng' },
  { code: 'MDSH', family: 'group', group: 'MDSH', max: 22, name: 'Số hóa hồ sơ', short: 'Số hóa hồ sơ' },

  {
    code: 'PUBLISH_ON_TIME',
    family: 'portal',
    group: 'CKMB',
    max: 6,
    name: 'Tỷ lệ TTHC công bố đúng hạn',
    short: 'Công bố TTHC đúng hạn',
  },
  {
    code: 'PUBLIC_UPDATE_ON_TIME',
    family: 'portal',
    group: 'CKMB',
    max: 4,
    name: 'Tỷ lệ TTHC cập nhật, công khai đúng hạn',
    short: 'Cập nhật, công khai đúng hạn',
  },
  {
    code: 'PUBLIC_CONTENT_FULL',
    family: 'portal',
    group: 'CKMB',
    max: 2,
    name: 'Tỷ lệ TTHC công khai đầy đủ nội dung',
    short: 'Công khai đầy đủ nội dung',
  },
  {
    code: 'DOSSIER_SYNC',
    family: 'portal',
    group: 'CKMB',
    max: 6,
    name: 'Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG',
    short: 'Đồng bộ hồ sơ lên Cổng DVCQG',
  },

  {
    code: 'DOSSIER_RECEIVING_SATISFACTION',
    family: 'portal',
    group: 'MDHL',
    max: 6,
    name: 'Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC',
    short: 'Hài lòng tiếp nhận, giải quyết',
  },
  {
    code: 'PETITION_PROCESSING_ON_TIME',
    family: 'portal',
    group: 'MDHL',
    max: 6,
    name: 'Tỷ lệ PAKN xử lý đúng hạn',
    short: 'PAKN xử lý đúng hạn',
  },
  {
    code: 'PETITION_HANDLING_SATISFACTION',
    family: 'portal',
    group: 'MDHL',
    max: 6,
    name: 'Tỷ lệ hài lòng trong xử lý PAKN',
    short: 'Hài lòng xử lý PAKN',
  },
  {
    code: 'PETITION_CLASSIFICATION_TTHC',
    family: 'portal',
    group: 'MDHL',
    max: 0,
    name: 'Tỷ lệ PAKN về quy định, thủ tục hành chính',
    short: 'PAKN về quy định, TTHC',
  },
  {
    code: 'PETITION_CLASSIFICATION_STAFF',
    family: 'portal',
    group: 'MDHL',
    max: 0,
    name: 'Tỷ lệ PAKN về hành vi cán bộ, công chức, viên chức',
    short: 'PAKN về hành vi CBCCVC',
  },

  {
    code: 'ORIGINAL_RESULT_AVAILABLE',
    family: 'portal',
    group: 'MDSH',
    max: 6,
    name: 'Tỷ lệ hồ sơ TTHC có cấp kết quả giải quyết TTHC điện tử',
    short: 'Cấp kết quả điện tử',
  },
  {
    code: 'SO_HOA_GIAY_TO_GIAI_QUYET',
    family: 'portal',
    group: 'MDSH',
    max: 4,
    name: 'Tỷ lệ hồ sơ TTHC thực hiện số hóa hồ sơ',
    short: 'Số hóa hồ sơ',
  },
  {
    code: 'REUSED_DIGITIZED_DATA',
    family: 'portal',
    group: 'MDSH',
    max: 2,
    name: 'Tỷ lệ hồ sơ khai thác, sử dụng lại thông tin, dữ liệu số hóa',
    short: 'Tái sử dụng dữ liệu số hóa',
  },
  {
    code: 'SYNCED_WITH_DVCQG_PERSONAL_STORAGE',
    family: 'portal',
    group: 'MDSH',
    max: 4,
    name: 'Tỷ lệ hồ sơ TTHC được số hóa có kết nối, chia sẻ dữ liệu phục vụ tái sử dụng',
    short: 'Kết nối kho dữ liệu cá nhân',
  },
  {
    code: 'CITIZEN_DATA_CONNECTED_DOSSIER',
    family: 'portal',
    group: 'MDSH',
    max: 2,
    name: 'Tỷ lệ hồ sơ TTHC có sử dụng thông tin, dữ liệu dân cư',
    short: 'Hồ sơ dùng dữ liệu dân cư',
  },
  {
    code: 'CITIZEN_DATA_CONNECTED_FORMALITY',
    family: 'portal',
    group: 'MDSH',
    max: 2,
    name: 'Tỷ lệ TTHC triển khai kết nối, chia sẻ dữ liệu dân cư phục vụ GQ TTHC',
    short: 'TTHC kết nối dữ liệu dân cư',
  },
  {
    code: 'ELECTRONIC_CERTIFIED_COPY',
    family: 'portal',
    group: 'MDSH',
    max: 2,
    name: 'Tỷ lệ cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính',
    short: 'Chứng thực bản sao điện tử',
  },

  // Counter ratios from the trees (dvc-progress-tree, formality-online-payment-tree, provide-online-tree).
  {
    code: 'ON_TIME',
    family: 'counter',
    group: 'TDGQ',
    max: null,
    name: 'Tỷ lệ hồ sơ giải quyết đúng hạn',
    short: 'Hồ sơ đúng hạn',
  },
  {
    code: 'OVERDUE',
    family: 'counter',
    group: 'TDGQ',
    max: null,
    name: 'Tỷ lệ hồ sơ giải quyết trễ hạn',
    short: 'Hồ sơ trễ hạn',
  },
  {
    code: 'ONLINE_PAYMENT_DOSSIER',
    family: 'counter',
    group: 'TTTT',
    max: null,
    name: 'Tỷ lệ thanh toán trực tuyến (hồ sơ có nghĩa vụ tài chính)',
    short: 'Thanh toán trực tuyến (hồ sơ)',
  },
  {
    code: 'ONLINE_PAYMENT_FORMALITY',
    family: 'counter',
    group: 'TTTT',
    max: null,
    name: 'Tỷ lệ TTHC có phí đã phát sinh thanh toán trực tuyến',
    short: 'TTHC có thanh toán trực tuyến',
  },
  {
    code: 'FEE_FORMALITY_WITH_DOSSIER',
    family: 'counter',
    group: 'TTTT',
    max: null,
    name: 'Tỷ lệ TTHC có phí đã phát sinh hồ sơ',
    short: 'TTHC có phí phát sinh hồ sơ',
  },
  {
    code: 'ONLINE_SUBMISSION',
    family: 'counter',
    group: 'CLGQ',
    max: null,
    name: 'Tỷ lệ hồ sơ nộp trực tuyến',
    short: 'Hồ sơ nộp trực tuyến',
  },
  {
    code: 'ONLINE_PROVISION_FULL',
    family: 'counter',
    group: 'CLGQ',
    max: null,
    name: 'Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến toàn trình',
    short: 'DVCTT toàn trình',
  },
];

export const METRICS: readonly MetricDef[] = defs.map((d) => Object.freeze(d));
const byCode = new Map(METRICS.map((m) => [m.code, m]));

/** Codes of the national portal's metrics (TOTAL, groups, sub-metrics, counters). */
export const METRIC_CODES: readonly string[] = METRICS.map((m) => m.code);
/** TOTAL followed by the six groups: the scored headline metrics. */
export const HEADLINE_METRICS: readonly string[] = ['TOTAL', ...GROUP_CODES];

export function metricDef(code: string): MetricDef | undefined {
  return byCode.get(code);
}

export function isMetricCode(code: string): boolean {
  return byCode.has(code);
}

export function isGroupCode(code: string): code is GroupCode {
  return (GROUP_CODES as readonly string[]).includes(code);
}

/** What a unit should look at when a group falls (used in e-mails and the bulletin). */
export const WHAT_TO_CHECK: Readonly<Record<GroupCode, string>> = {
  CKMB: 'đồng bộ hồ sơ lên Cổng DVCQG, công bố và công khai TTHC đúng hạn',
  TDGQ: 'hồ sơ trễ hạn, hồ sơ đang xử lý sắp quá hạn',
  CLGQ: 'cung cấp DVCTT toàn trình, tỷ lệ hồ sơ nộp trực tuyến',
  TTTT: 'thanh toán trực tuyến các hồ sơ có phí, lệ phí',
  MDHL: 'đánh giá hài lòng và xử lý phản ánh, kiến nghị đúng hạn',
  MDSH: 'số hóa hồ sơ, cấp kết quả điện tử, tái sử dụng dữ liệu',
};

/**
 * Figures of the provincial DVC system (source `provincial`), compared with DVCQG by the
 * reconciliation. Counts keep the numerator; shares keep numerator, denominator and ratio.
 */
export const PROVINCIAL_METRICS: readonly MetricDef[] = [
  {
    code: 'PROV_DIGITIZATION',
    family: 'counter',
    group: 'MDSH',
    max: null,
    name: 'Tỷ lệ số hóa hồ sơ (Cổng tỉnh)',
    short: 'Số hóa hồ sơ (tỉnh)',
  },
  {
    code: 'PROV_RECEIVED',
    family: 'counter',
    group: 'TDGQ',
    max: null,
    name: 'Số hồ sơ tiếp nhận (Cổng tỉnh)',
    short: 'Hồ sơ tiếp nhận (tỉnh)',
  },
  {
    code: 'PROV_OVERDUE',
    family: 'counter',
    group: 'TDGQ',
    max: null,
    name: 'Số hồ sơ trễ hạn (Cổng tỉnh)',
    short: 'Hồ sơ trễ hạn (tỉnh)',
  },
  {
    code: 'PROV_ONLINE_SUBMISSION',
    family: 'counter',
    group: 'CLGQ',
    max: null,
    name: 'Tỷ lệ hồ sơ nộp trực tuyến (Cổng tỉnh)',
    short: 'Nộp trực tuyến (tỉnh)',
  },
  {
    code: 'PROV_ONLINE_PAYMENT',
    family: 'counter',
    group: 'TTTT',
    max: null,
    name: 'Tỷ lệ thanh toán trực tuyến (Cổng tỉnh)',
    short: 'Thanh toán trực tuyến (tỉnh)',
  },
].map((d) => Object.freeze(d as MetricDef));
for (const d of PROVINCIAL_METRICS) byCode.set(d.code, d);
