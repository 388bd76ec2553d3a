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

export async function listAlerts(db: Kysely<DB>, opts: { state?: 'open' | 'resolved' | 'all'; unitCodes?: readonly string[] } = {}): Promise<AlertView[]> {
  let q = db.selectFrom('alerts as a').leftJoin('units as u', 'u.code', 'a.unit_code').selectAll('a').select('u.name as unit_name');
  if (opts.state && opts.state !== 'all') q = q.where('a.state', '=', opts.state);
  if (opts.unitCodes) q = q.where('a.unit_code', 'in', opts.unitCodes.length ? opts.unitCodes : ['-']);
  const rows = await q.orderBy('a.opened_at').orderBy('a.unit_code').orderBy('a.rule').orderBy('a.metric').orderBy('a.id').execute();
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
