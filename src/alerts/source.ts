/**
 * Source-health alerts — for ops only, never for units: the portal blocked us, its answer changed
 * shape, a request kept failing, it has not recalculated by the deadline, or units went missing.
 * For these alerts `metric` holds the endpoint (or request) concerned.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { PORTAL_PAGE_URL } from '../sources/dvcqg/endpoints.ts';
import { raiseAlert, resolveAlerts } from './lifecycle.ts';
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

export function captureProblemFinding(p: CaptureProblem): Finding {
  const rule = p.outcome === 'blocked' ? 'source.blocked' : p.outcome === 'drift' ? 'source.drift' : 'source.failed';
  const what =
    p.outcome === 'blocked'
      ? 'the portal blocked the request (WAF / 403 / 429): no retry was made; check access from this server'
      : p.outcome === 'drift'
        ? 'the portal answered with a shape the parser does not know (schema drift); the raw payload is kept — fix the parser, then `chiso766 reingest`'
        : `the request kept failing after ${p.attempts} attempts (portal errors or timeouts)`;
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
    message: `${p.requestKey}: ${what}. ${p.detail ?? ''}`.trim(),
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
    message: `the portal has not recalculated ${c.scope} since ${c.since ? c.since.toISOString() : 'the previous capture'}: the capture of ${c.capturedAt.toISOString()} is identical and the deadline ${c.deadline.toISOString()} has passed. No unit was alerted on stale data.`,
    evidence: {
      since: c.since?.toISOString() ?? null,
      deadline: c.deadline.toISOString(),
      capturedAt: c.capturedAt.toISOString(),
      portalPage: PORTAL_PAGE_URL,
    },
  };
}
