/**
 * Who hears of what this cycle — pure. For each unit: the alerts opened, escalated or resolved in
 * this cycle, and still-open alerts due for a reminder every `mail.repeatEveryCycles` weeks; for
 * ops: source-health news and new discrepancies. An alert that ended because the unit had no
 * dossiers was no finding about its work: not news.
 */
import type { Alert } from '../db/types.ts';
import { weeksBetween } from '../domain/periods.ts';
import { RECONCILIATION_PAIRS } from '../rules/reconciliation.ts';
import type { AlertEventKind, DigestAlert, DiscrepancyFigures } from './templates.ts';

const UNIT_KINDS: readonly string[] = ['indicator', 'discrepancy'];

/** An alert with the event it had in this cycle. */
export type AlertNews = Alert & { event: string };

export interface DigestSelection {
  /** Per unit code, what its digest tells (news first, then reminders). */
  byUnit: Map<string, DigestAlert[]>;
  /** What the ops digest tells. */
  sourceNews: AlertNews[];
}

export function toDigestAlert(
  a: Pick<Alert, 'id' | 'rule' | 'severity' | 'metric' | 'value' | 'previous' | 'threshold' | 'message' | 'evidence'>,
  event: AlertEventKind,
): DigestAlert {
  const maxScore = typeof a.evidence.maxScore === 'number' ? a.evidence.maxScore : a.metric === 'TOTAL' ? 100 : null;
  return {
    id: a.id,
    event,
    rule: a.rule,
    severity: a.severity,
    metric: a.metric,
    value: a.value,
    previous: a.previous,
    threshold: a.threshold,
    maxScore,
    message: a.message,
    discrepancy: a.rule === 'reconciliation' ? discrepancyOf(a.metric, a.evidence) : null,
    rankScope:
      a.evidence.scope === 'peer' || a.evidence.scope === 'province' || a.evidence.scope === 'national'
        ? a.evidence.scope
        : null,
  };
}

/** Both figures of a discrepancy, from the evidence the reconciliation stored. */
function discrepancyOf(metric: string | null, e: Record<string, unknown>): DiscrepancyFigures | null {
  const pair = RECONCILIATION_PAIRS.find((p) => p.provincial === metric);
  if (!pair) return null;
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const at = (v: unknown) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v) : null);
  return {
    label: pair.label,
    unit: pair.unit,
    provincial: num(e.provincial),
    national: num(e.national),
    gap: num(e.gap),
    gapPoints: num(e.gapPoints),
    provincialAt: at(e.provincialCapturedAt),
    nationalAt: at(e.nationalCapturedAt),
    check: pair.check,
  };
}

export function selectDigestItems(c: {
  news: readonly AlertNews[];
  open: readonly Alert[];
  /** The ISO week of a cycle id (when an alert was last told about). */
  weekOfCycle: ReadonlyMap<number, string>;
  week: string;
  repeatEvery: number;
}): DigestSelection {
  const unitNews = c.news.filter(
    (e) => UNIT_KINDS.includes(e.kind) && e.unit_code && !(e.event === 'resolved' && e.resolution === 'no_activity'),
  );
  const newsIds = new Set(unitNews.map((e) => e.id));
  const repeats = c.open.filter((a) => {
    if (newsIds.has(a.id) || !a.unit_code || !UNIT_KINDS.includes(a.kind)) return false;
    const last = a.last_notified_cycle_id ? c.weekOfCycle.get(a.last_notified_cycle_id) : null;
    return !last || weeksBetween(last, c.week) >= c.repeatEvery;
  });
  const byUnit = new Map<string, DigestAlert[]>();
  const add = (code: string, a: DigestAlert) => byUnit.set(code, [...(byUnit.get(code) ?? []), a]);
  for (const e of unitNews) add(e.unit_code!, toDigestAlert(e, e.event as AlertEventKind));
  for (const a of repeats) add(a.unit_code!, toDigestAlert(a, 'repeat'));
  const sourceNews = c.news.filter((e) => e.kind === 'source' || (e.kind === 'discrepancy' && e.event === 'opened'));
  return { byUnit, sourceNews };
}
