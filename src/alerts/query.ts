/** Reading alerts for people: `alerts` command, digests, the bulletin. */
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';

export interface AlertView {
  id: number;
  state: 'open' | 'resolved';
  kind: string;
  rule: string;
  severity: string;
  silenced: boolean;
  unitCode: string | null;
  unitName: string | null;
  metric: string | null;
  period: string | null;
  week: string | null;
  value: number | null;
  previous: number | null;
  threshold: number | null;
  message: string;
  openedAt: string;
  resolvedAt: string | null;
  resolution: string | null;
  evidence: Record<string, unknown>;
}

export async function listAlerts(
  db: Kysely<DB>,
  opts: { state?: 'open' | 'resolved' | 'all'; unitCodes?: readonly string[] } = {},
): Promise<AlertView[]> {
  let q = db
    .selectFrom('alerts as a')
    .leftJoin('units as u', 'u.code', 'a.unit_code')
    .selectAll('a')
    .select('u.name as unit_name');
  if (opts.state && opts.state !== 'all') q = q.where('a.state', '=', opts.state);
  if (opts.unitCodes) q = q.where('a.unit_code', 'in', opts.unitCodes.length ? opts.unitCodes : ['-']);
  const rows = await q
    .orderBy('a.opened_at')
    .orderBy('a.unit_code')
    .orderBy('a.rule')
    .orderBy('a.metric')
    .orderBy('a.id')
    .execute();
  return rows.map((a) => ({
    id: a.id,
    state: a.state,
    kind: a.kind,
    rule: a.rule,
    severity: a.severity,
    silenced: a.silenced,
    unitCode: a.unit_code,
    unitName: a.unit_name,
    metric: a.metric,
    period: a.period_key,
    week: a.week,
    value: a.value,
    previous: a.previous,
    threshold: a.threshold,
    message: a.message,
    openedAt: a.opened_at.toISOString(),
    resolvedAt: a.resolved_at ? a.resolved_at.toISOString() : null,
    resolution: a.resolution,
    evidence: a.evidence,
  }));
}

/** Alert kinds that concern a unit (its digest); source alerts are for ops. */
export const UNIT_ALERT_KINDS = ['indicator', 'discrepancy'] as const;
/** The events of a cycle that are news for someone. */
export const NEWS_EVENTS = ['opened', 'escalated', 'resolved'] as const;

/** The news of one cycle: alerts opened, escalated or resolved in it (not silenced), with the event. */
export async function alertNewsOfCycle(db: Kysely<DB>, cycleId: number) {
  return db
    .selectFrom('alert_events as e')
    .innerJoin('alerts as a', 'a.id', 'e.alert_id')
    .selectAll('a')
    .select(['e.event', 'e.severity as event_severity'])
    .where('e.cycle_id', '=', cycleId)
    .where('e.event', 'in', [...NEWS_EVENTS])
    .where('a.silenced', '=', false)
    .execute();
}

/** Open, not silenced alerts about units (candidates for a reminder). */
export async function openUnitAlerts(db: Kysely<DB>) {
  return db
    .selectFrom('alerts')
    .selectAll()
    .where('state', '=', 'open')
    .where('silenced', '=', false)
    .where('kind', 'in', [...UNIT_ALERT_KINDS])
    .execute();
}
