/**
 * Source-health alerts — for ops only, never for units: the portal blocked us, its answer changed
 * shape, a request kept failing, it has not recalculated by the deadline, or units went missing.
 * For these alerts `metric` holds the endpoint (or request) concerned.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { PORTAL_PAGE_URL } from '../sources/dvcqg/endpoints.ts';
import { raiseAlert, resolveAlerts } from './lifecycle.ts';
import { viDateTime } from '../domain/format.ts';
import { endpointLabel, provinceTitle } from '../domain/vocabulary.ts';
import type { CycleRef, Finding } from '../domain/findings.ts';

export const CAPTURE_RULES = ['source.blocked', 'source.drift', 'source.failed'] as const;
export const STALE_RULE = 'source.not_recalculated';
export const COVERAGE_RULE = 'source.coverage';

export interface CaptureProblem {
  outcome: 'blocked' | 'drift' | 'retryable';
  scope: string;
  endpoint: string;
  requestKey: string;
  detail: string | null;
  periodKey: string;
  url: string;
  status: number | null;
  attempts: number;
}

/** `toàn quốc`, `tỉnh Đồng Nai`. */
function scopeName(scope: string): string {
  return scope === 'national' ? 'toàn quốc' : provinceTitle(scope);
}

export function captureProblemFinding(p: CaptureProblem): Finding {
  const rule = p.outcome === 'blocked' ? 'source.blocked' : p.outcome === 'drift' ? 'source.drift' : 'source.failed';
  const what = `${endpointLabel(p.endpoint)} của ${scopeName(p.scope)}`;
  const code = p.status ? ` (mã phản hồi ${p.status})` : '';
  const message =
    p.outcome === 'blocked'
      ? `Cổng chặn yêu cầu lấy ${what}${code}: không thử lại; đề nghị kiểm tra quyền truy cập cổng từ máy chủ này.`
      : p.outcome === 'drift'
        ? `Dữ liệu ${what} trả về có cấu trúc hoặc giá trị bất thường; dữ liệu gốc đã được lưu và chưa được dùng để đánh giá. Cần cập nhật bộ đọc dữ liệu rồi nạp lại dữ liệu đã lưu.`
        : `Yêu cầu lấy ${what} vẫn lỗi sau ${p.attempts} lần thử${code} (cổng lỗi hoặc không phản hồi).`;
  return {
    rule,
    kind: 'source',
    unitCode: p.scope === 'national' ? null : p.scope,
    metric: p.endpoint,
    periodKey: p.periodKey,
    week: null,
    severity: p.outcome === 'retryable' ? 'warn' : 'critical',
    value: p.status,
    previous: null,
    threshold: null,
    message,
    evidence: {
      request: p.requestKey,
      url: p.url,
      status: p.status,
      detail: p.detail,
      attempts: p.attempts,
      portalPage: PORTAL_PAGE_URL,
    },
  };
}

export async function raiseCaptureProblem(db: Kysely<DB>, cycle: CycleRef, p: CaptureProblem): Promise<void> {
  await raiseAlert(db, cycle, captureProblemFinding(p));
}

/** A capture of these scopes succeeded: its earlier capture alerts are over. */
export async function resolveCaptureProblems(
  db: Kysely<DB>,
  cycle: CycleRef,
  scopes: readonly string[],
): Promise<number[]> {
  return resolveAlerts(db, cycle, {
    rules: [...CAPTURE_RULES],
    unitCodes: scopes.map((s) => (s === 'national' ? null : s)),
  });
}

export function staleFinding(c: {
  scope: string;
  periodKey: string;
  since: Date | null;
  deadline: Date;
  capturedAt: Date;
}): Finding {
  return {
    rule: STALE_RULE,
    kind: 'source',
    unitCode: c.scope,
    metric: null,
    periodKey: c.periodKey,
    week: null,
    severity: 'warn',
    value: null,
    previous: null,
    threshold: null,
    message: `Cổng chưa tính lại số liệu của ${scopeName(c.scope)} kể từ ${c.since ? `lần thu thập lúc ${viDateTime(c.since)}` : 'lần thu thập trước'}: số liệu thu thập lúc ${viDateTime(c.capturedAt)} không thay đổi và đã quá hạn ${viDateTime(c.deadline)}. Không gửi cảnh báo nào cho đơn vị trên số liệu cũ.`,
    evidence: {
      since: c.since?.toISOString() ?? null,
      deadline: c.deadline.toISOString(),
      capturedAt: c.capturedAt.toISOString(),
      portalPage: PORTAL_PAGE_URL,
    },
  };
}
