/**
 * The Vietnamese words for chiso766's own codes — rules, severities, events, unit kinds, cycle
 * states, portal endpoints — in one place. Nothing a Vietnamese reader gets (documents, e-mails to
 * units and ops, sheets) shows a code: it asks here.
 */
import { metricDef } from './metrics.ts';
import { PROVINCES } from './provinces.ts';
import type { UnitKind } from './units.ts';

export const RULE_LABEL: Readonly<Record<string, string>> = {
  floor: 'Dưới ngưỡng',
  weeklyDrop: 'Giảm trong tuần',
  consecutiveDeclines: 'Giảm liên tiếp',
  rankDrop: 'Tụt hạng',
  nationalRankDrop: 'Tụt hạng toàn quốc',
  target: 'Chưa đạt chỉ tiêu',
  noActivity: 'Không phát sinh hồ sơ',
  reconciliation: 'Chênh lệch số liệu Cổng tỉnh và Cổng quốc gia',
  'source.blocked': 'Cổng dịch vụ công chặn truy cập',
  'source.drift': 'Dữ liệu trả về thay đổi cấu trúc hoặc bất thường',
  'source.failed': 'Cổng dịch vụ công lỗi kéo dài',
  'source.coverage': 'Thiếu đơn vị hoặc số liệu',
  'source.not_recalculated': 'Cổng chưa tính lại số liệu',
  'mail.failed': 'Lỗi gửi thư điện tử',
};

export function ruleLabel(rule: string): string {
  return RULE_LABEL[rule] ?? 'Cảnh báo';
}

export const SEVERITY_LABEL: Readonly<Record<string, string>> = {
  critical: 'nghiêm trọng',
  warn: 'cảnh báo',
  info: 'thông tin',
};

export function severityLabel(severity: string): string {
  return SEVERITY_LABEL[severity] ?? 'cảnh báo';
}

export const UNIT_KIND_LABEL: Readonly<Record<UnitKind, string>> = {
  province: 'Tỉnh, thành phố',
  department: 'Sở, ban, ngành',
  commune: 'Xã, phường, đặc khu',
};

/** A cycle's state as ops read it. */
export const CYCLE_STATE_LABEL: Readonly<Record<string, string>> = {
  running: 'đang thực hiện',
  complete: 'hoàn tất',
  failed: 'có lỗi, chờ xử lý',
  stale: 'Cổng chưa cập nhật số liệu',
  rechecking: 'đang chờ Cổng cập nhật số liệu',
};

export function cycleStateLabel(state: string): string {
  return CYCLE_STATE_LABEL[state] ?? state;
}

/** What each portal request asks, in words (source alerts name it instead of the endpoint code). */
const ENDPOINT_LABEL: Readonly<Record<string, string>> = {
  'service-results': 'kết quả tổng hợp',
  transparency: 'nhóm Công khai, minh bạch',
  'dvc-progress-tree': 'nhóm Tiến độ giải quyết',
  'provide-online-tree': 'nhóm Dịch vụ công trực tuyến',
  'formality-online-payment-tree': 'nhóm Thanh toán trực tuyến',
  'handling-satisfaction': 'nhóm Mức độ hài lòng',
  'dossier-digitized': 'nhóm Số hóa hồ sơ',
  'rest.jsp': 'kết quả năm (hệ thống cũ)',
  'igate.digitization': 'số hóa hồ sơ (Cổng tỉnh)',
  'igate.dossier': 'hồ sơ tiếp nhận (Cổng tỉnh)',
  'igate.online': 'thanh toán trực tuyến (Cổng tỉnh)',
  'opencps.statistics': 'thống kê hồ sơ (Cổng tỉnh)',
  'html.table': 'bảng thống kê (Cổng tỉnh)',
  smtp: 'máy chủ thư',
};

export function endpointLabel(endpoint: string | null | undefined): string {
  if (!endpoint) return '';
  if (endpoint.startsWith('outbox ')) return `thư số ${endpoint.slice(7)}`;
  return ENDPOINT_LABEL[endpoint] ?? metricDef(endpoint)?.short ?? 'dữ liệu';
}

/** `Đồng Nai` → `tỉnh Đồng Nai`; `TP Hồ Chí Minh` → `thành phố Hồ Chí Minh`. */
export function provinceTitle(code: string): string {
  const p = PROVINCES.find((x) => x.code === code);
  if (!p) return code;
  return p.name.startsWith('TP ') ? `thành phố ${p.name.slice(3)}` : `tỉnh ${p.name}`;
}

/** `20 sở, ban, ngành` — how many units a rank is out of. */
export function rankedAmong(of: number, kind: UnitKind | 'national' | 'all'): string {
  const among =
    kind === 'national'
      ? 'tỉnh, thành phố'
      : kind === 'department'
        ? 'sở, ban, ngành'
        : kind === 'commune'
          ? 'xã, phường'
          : 'đơn vị';
  return `${of} ${among}`;
}
