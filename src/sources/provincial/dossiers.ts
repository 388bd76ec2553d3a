/**
 * Dossiers needing action, from VNPT iGate (docs/drilldown.md §5): `GET /pa/dossier/search` for
 * one unit's agency and the period, Spring Slice pages (`content[]`, `last`), bearer token as for
 * the statistics. Read-only. Each dossier is checked for three problems as of the cycle's time:
 * `overdue` (appointment passed, not completed), `unsynced` (no national code), `unpaid` (a fee
 * required, not paid online). Other vendors have no dossier list here.
 */
import { z } from 'zod';
import { DriftError, formatJsonPath } from '../drift.ts';
import type { PortalRequest } from '../http.ts';

export const DOSSIER_SEARCH_PATH = '/pa/dossier/search';
/** Rows per page (public clients use 10–50; the largest accepted is unknown). */
export const DOSSIER_PAGE_SIZE = 50;

export type DossierProblem = 'overdue' | 'unsynced' | 'unpaid';
export const DOSSIER_PROBLEMS: readonly DossierProblem[] = ['overdue', 'unsynced', 'unpaid'];

export const DOSSIER_PROBLEM_LABEL: Readonly<Record<DossierProblem, string>> = {
  overdue: 'Quá hạn, chưa giải quyết xong',
  unsynced: 'Chưa đồng bộ lên Cổng DVCQG',
  unpaid: 'Có phí, lệ phí nhưng chưa thanh toán trực tuyến',
};

/** `2026-01-01` → `01/01/2026` (the format iGate's date filters take). */
function ddmmyyyy(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${d}/${m}/${y}`;
}

export function dossierSearchRequest(
  baseUrl: string,
  c: { agencyId: string; fromDate: string; toDate: string; page: number },
): { key: string; request: PortalRequest } {
  const q = new URLSearchParams({
    'ancestor-agency-id': c.agencyId,
    isAgencySearch: 'true',
    'accepted-from': ddmmyyyy(c.fromDate),
    'accepted-to': ddmmyyyy(c.toDate),
    spec: 'slice',
    sort: 'appointmentDate,asc',
    page: String(c.page),
    size: String(DOSSIER_PAGE_SIZE),
  });
  return {
    key: `igate.dossier-search.${c.agencyId}.p${c.page}`,
    request: { method: 'GET', url: `${baseUrl.replace(/\/+$/, '')}${DOSSIER_SEARCH_PATH}?${q.toString()}` },
  };
}

const text = z.string().nullable().optional();
const rowSchema = z
  .object({
    code: z.string().min(1),
    nationCode: text,
    procedure: z
      .object({ code: text, translate: z.object({ name: text }).partial().nullable().optional() })
      .passthrough()
      .nullable()
      .optional(),
    appliedDate: text,
    acceptedDate: text,
    appointmentDate: text,
    completedDate: text,
    paymentRequestData: z
      .object({
        amount: z.number().nullable().optional(),
        paidDate: text,
        paymentMethod: z.object({ name: text }).partial().nullable().optional(),
      })
      .passthrough()
      .nullable()
      .optional(),
  })
  .passthrough();
const sliceSchema = z.object({ content: z.array(rowSchema), last: z.boolean() });

export type DossierRow = z.infer<typeof rowSchema>;

export function parseDossierSlice(key: string, body: Buffer): { rows: DossierRow[]; last: boolean } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new DriftError(key, '$', `not JSON (${(e as Error).message})`);
  }
  const r = sliceSchema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0]!;
    throw new DriftError(key, formatJsonPath(first.path), first.message);
  }
  return { rows: r.data.content, last: r.data.last };
}

/** iGate's `2026-11-20T17:00:00.000+0700` (offset without a colon) → a Date. */
export function igateDate(s: string | null | undefined): Date | null {
  if (!s) return null;
  const d = new Date(s.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(d.getTime()) ? null : d;
}

export interface DossierFinding {
  code: string;
  nationCode: string | null;
  formalityCode: string | null;
  formalityName: string | null;
  problem: DossierProblem;
  receivedAt: Date | null;
  dueAt: Date | null;
}

/** The problems of one dossier as of `now` (none: it needs no action). */
export function dossierProblems(row: DossierRow, now: Date): DossierFinding[] {
  const nationCode = row.nationCode && row.nationCode.trim() !== '' ? row.nationCode : null;
  const due = igateDate(row.appointmentDate);
  const pay = row.paymentRequestData;
  const problems: DossierProblem[] = [];
  if (!igateDate(row.completedDate) && due && due.getTime() < now.getTime()) problems.push('overdue');
  if (nationCode === null) problems.push('unsynced');
  if (pay && (pay.amount ?? 0) > 0 && (!pay.paidDate || (pay.paymentMethod?.name ?? '') !== 'Trực tuyến'))
    problems.push('unpaid');
  return problems.map((problem) => ({
    code: row.code,
    nationCode,
    formalityCode: row.procedure?.code ?? null,
    formalityName: row.procedure?.translate?.name ?? null,
    problem,
    receivedAt: igateDate(row.acceptedDate) ?? igateDate(row.appliedDate),
    dueAt: due,
  }));
}
